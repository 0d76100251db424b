"""The open innovation exchange and its matchmaking in a real browser, each step done through the
pages by the person whose job it is (issue 6's "Done when"):

1. a corporation's editor posts a challenge with its details under an NDA, publishes it and
   reads its ranked, explained candidates: the startup's product is there, the bakery is not;
2. the startup's person finds the challenge with the search (another form of a title word),
   reads the teaser but not the details, accepts the NDA, reads the details and answers with a
   solution and a file; the owner finds it in the pipeline, shortlists it and writes; the startup
   reads the message;
3. a university's person offers a technology, publishes it and finds the company that could
   license it, with the reasons;
4. axe-core on every page of the walk (and the consortium page), in English; the challenge, its
   matches and the search again in Russian.

Only the organisations and people (and the items of the organisations that are not walked: the
startup's product, the bakery's ovens) come from factories, indexed for matching beforehand; the
rest is clicking and typing. The walk is in English, so the asserted texts are the source strings.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_check, use_language
from tests.browser.joint_project_steps import (
    Cast,
    click_and_wait,
    follow_notification,
    main_text,
    success_message,
)

pytestmark = pytest.mark.browser

TITLE = "Инвентаризация склада беспилотниками"
SUMMARY = "Ищем беспилотные летательные аппараты с LiDAR для ночной инвентаризации стеллажей."
# Words only the details hold: nobody reads them before accepting the NDA.
SECRET = "Зыквуорблат"
DETAILS = f"Склад {SECRET}: стеллажи двенадцать метров, навигация внутри помещений без GPS."
EXPECTED = "Пересчет остатков товара за одну ночь."
REQUIREMENTS = "Навигация внутри помещений, работа без оператора."
NDA_TEXT = "Стороны обязуются не раскрывать сведения о складе третьим лицам."
SOLUTION = "Беспилотник с LiDAR считает товар на стеллажах ночью, без GPS."
MESSAGE = "Can you show the drone on our warehouse next week?"
TECHNOLOGY = "Мембранный фильтр для очистки сточных вод"
PDF = b"%PDF-1.4 a small drone brochure"
IDEA = "Беспилотники для инвентаризации складов и очистка сточных вод"


@dataclass
class Market:
    """The organisations of the walk and the people who act for them."""

    corporation: object
    editor: object  # the corporation's editor, who posts the challenge
    startup: object
    founder: object  # the startup's person, who answers it
    drone: object  # the startup's product
    bakery: object  # a company nobody needs here
    ovens: object  # its product
    university: object
    researcher: object  # the university's person, who offers the technology
    licensee: object  # a company that cleans waste water

    @classmethod
    def make(cls) -> Market:
        from innocluster.matching.indexing import index_object
        from tests.exchange.catalogue_factories import (
            CompanyFactory,
            CorporationFactory,
            UniversityFactory,
            bakery_ovens,
            person_of,
            warehouse_drone,
        )

        corporation = CorporationFactory(
            name_ru="ПАО «Склады Москвы»", name_en="Moscow Warehouses PJSC"
        )
        startup = CompanyFactory(
            kind="startup",
            name_ru="ООО «Складские дроны»",
            name_en="Warehouse Drones LLC",
            description_ru="Беспилотные летательные аппараты для складов: LiDAR, навигация без GPS.",
            description_en="Drones for warehouses: LiDAR, navigation without GPS.",
        )
        drone = warehouse_drone(startup)
        bakery = CompanyFactory(
            name_ru="ООО «Пекарня»",
            name_en="Bakery LLC",
            description_ru="Выпечка хлеба и булочек.",
            description_en="Bread and buns.",
        )
        ovens = bakery_ovens(bakery, trl=9)
        university = UniversityFactory(description_ru="Исследования материалов.")
        licensee = CompanyFactory(
            name_ru="ООО «Водоочистка»",
            name_en="Water Cleaning LLC",
            description_ru="Очистные сооружения: очистка сточных вод промышленных предприятий.",
            description_en="Treatment plants: cleaning industrial waste water.",
        )
        for item in (corporation, startup, drone, bakery, ovens, university, licensee):
            index_object(item)
        return cls(
            corporation=corporation,
            editor=person_of(corporation, "editor", full_name="Editor of the corporation"),
            startup=startup,
            founder=person_of(startup, "owner", full_name="Founder of the startup"),
            drone=drone,
            bakery=bakery,
            ovens=ovens,
            university=university,
            researcher=person_of(university, "editor", full_name="Researcher of the university"),
            licensee=licensee,
        )


def no_errors(page, label: str) -> None:
    assert page.locator(".error-summary").count() == 0, (label, main_text(page))


# --- 1. the corporation posts a challenge and reads its candidates ----------------------------


def post_the_challenge(page, market: Market):
    """The editor fills the challenge form, saves the draft, publishes it from its page."""
    from innocluster.exchange.models import Challenge

    page.goto("/exchange/")
    axe_check(page, "exchange home")
    click_and_wait(page, "main a[href='/exchange/challenges/new/']")
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", SUMMARY)
    page.fill("#id_details", DETAILS)
    page.fill("#id_expected_result", EXPECTED)
    page.fill("#id_requirements", REQUIREMENTS)
    page.check("input[name=priority_areas][value=transport]")
    page.check("input[name=priority_areas][value=ict]")
    page.select_option("#id_trl_min", "6")
    page.select_option("#id_visibility", "nda")
    page.fill("#id_nda_text", NDA_TEXT)
    page.check("input[name=owner_offers][value=pilot]")
    page.check("input[name=owner_offers][value=purchase]")
    page.fill("#id_budget_min_rub", "1000000")
    page.fill("#id_budget_max_rub", "5000000")
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    page.fill("#id_deadline", deadline.isoformat())
    axe_check(page, "challenge form")
    click_and_wait(page, "main form .actions button:not([name=publish])")
    no_errors(page, "challenge saved")
    assert "The draft is saved." in success_message(page)
    challenge = Challenge.objects.get(title=TITLE)
    assert challenge.status == "draft" and challenge.owner == market.corporation
    assert (challenge.visibility, challenge.trl_min, challenge.deadline) == ("nda", 6, deadline)
    assert sorted(challenge.priority_areas) == ["ict", "transport"]

    click_and_wait(page, f"form[action$='/exchange/challenges/{challenge.pk}/publish/'] button")
    no_errors(page, "challenge published")
    assert "The challenge is published." in success_message(page)
    challenge.refresh_from_db()
    assert challenge.status == "open"
    # The owner reads its own details.
    assert SECRET in page.locator("[data-protected=details]").inner_text()
    return challenge


def read_the_candidates(page, market: Market, challenge) -> None:
    from innocluster.registry.models import PriorityArea

    click_and_wait(page, f"main a[href='/matching/challenges/{challenge.pk}/']")
    drone = page.locator(f"#match-{market.drone.pk}")
    assert drone.count() == 1, main_text(page)
    assert page.locator(f"#match-{market.ovens.pk}").count() == 0, main_text(page)
    assert page.locator(f"#match-{market.bakery.pk}").count() == 0, main_text(page)
    why = drone.locator(".match-why").inner_text()
    assert "Shared words:" in why and "инвентаризац" in why.lower(), why
    transport = PriorityArea.objects.get(code="transport")
    assert f"Shared priority areas: {transport.name_en}" in why, why
    assert "TRL 7 meets the required 6" in why, why
    # The startup itself is a candidate too (its profile describes drones for warehouses).
    assert page.locator(f"#match-{market.startup.pk}").count() == 1, main_text(page)
    # Ranked: the drone is first or second (the startup's own profile may come first).
    ranked = page.locator("ol.match-list > li").evaluate_all("items => items.map(i => i.id)")
    assert ranked.index(f"match-{market.drone.pk}") <= 1, ranked
    axe_check(page, "matching candidates")


# --- 2. the startup finds it, accepts the NDA and answers ------------------------------------


def find_and_answer(page, challenge) -> object:
    from innocluster.exchange.models import Solution

    page.goto("/exchange/search/")
    page.fill("#id_q", "беспилотник")  # the title says "беспилотниками"
    click_and_wait(page, "main form[role=search] .search-row button[type=submit]")
    hit = page.locator(f"ol.search-results a[href='/exchange/challenges/{challenge.pk}/']")
    assert hit.count() == 1, main_text(page)
    assert SECRET not in main_text(page)
    axe_check(page, "search with results")
    click_and_wait(page, f"ol.search-results a[href='/exchange/challenges/{challenge.pk}/']")

    # The teaser, and the call to accept the NDA instead of the details.
    assert SUMMARY in main_text(page)
    assert SECRET not in page.content()
    assert page.locator("[data-protected]").count() == 0
    assert page.locator(".nda-call").count() == 1
    axe_check(page, "challenge detail before the NDA")
    click_and_wait(page, f"main a[href='/exchange/challenges/{challenge.pk}/nda/']")
    assert NDA_TEXT in page.locator(".nda-text").inner_text()
    axe_check(page, "the NDA")
    page.check("#id_accept")
    click_and_wait(page, "main form .actions button[type=submit]")
    no_errors(page, "NDA accepted")
    assert "The NDA is accepted: the details are open to you." in success_message(page)
    assert SECRET in page.locator("[data-protected=details]").inner_text()
    assert EXPECTED in page.locator("[data-protected=expected_result]").inner_text()
    axe_check(page, "challenge detail after the NDA")

    click_and_wait(page, f"main a[href='/exchange/challenges/{challenge.pk}/respond/']")
    page.fill("#id_description", SOLUTION)
    page.select_option("#id_trl", "7")
    page.fill("#id_references", "Pilot at a logistics park, 2025.")
    page.fill("#id_price_indication", "from 2 million RUB per warehouse")
    page.set_input_files(
        "#id_files",
        files=[{"name": "drone.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    axe_check(page, "solution form")
    click_and_wait(page, "main form .actions button[type=submit]")
    no_errors(page, "solution sent")
    assert "Your solution is sent to the challenge's owner." in success_message(page)
    solution = Solution.objects.get(challenge=challenge)
    assert page.url.endswith(f"/exchange/challenges/solutions/{solution.pk}/")
    assert (solution.trl, solution.status) == (7, "received")
    assert page.locator("section[aria-labelledby=files-heading] a", has_text="drone.pdf").count()
    axe_check(page, "solution page (responder)")
    return solution


def shortlist_and_write(page, market: Market, challenge, solution) -> None:
    """The owner opens the pipeline from the challenge's page, shortlists, writes."""
    page.goto(f"/exchange/challenges/{challenge.pk}/")
    click_and_wait(page, f"main a[href='/exchange/challenges/{challenge.pk}/solutions/']")
    received = page.locator("section.pipeline-column[data-status=received]")
    assert market.startup.name_en in received.inner_text() or (
        market.startup.name_ru in received.inner_text()
    ), main_text(page)
    axe_check(page, "pipeline")
    click_and_wait(page, f"li[data-solution='{solution.pk}'] a")
    assert SOLUTION in main_text(page)
    # The file the startup attached opens for the owner.
    link = page.locator("section[aria-labelledby=files-heading] a", has_text="drone.pdf")
    download = page.request.get(link.get_attribute("href"))
    assert download.status == 200 and download.body() == PDF, download.status
    click_and_wait(page, "form.move-shortlist button[type=submit]")
    no_errors(page, "shortlisted")
    assert "The solution is now “Shortlisted”." in success_message(page)
    solution.refresh_from_db()
    assert solution.status == "shortlisted"
    page.fill("#id_body", MESSAGE)
    click_and_wait(page, f"form[action$='/solutions/{solution.pk}/messages/'] button")
    no_errors(page, "message sent")
    assert "Your message is sent." in success_message(page)
    axe_check(page, "solution page (owner)")


def read_the_message(page, solution) -> None:
    follow_notification(page, "A new message from")
    assert page.url.split("#")[0].endswith(f"/exchange/challenges/solutions/{solution.pk}/")
    assert MESSAGE in page.locator("ol.messages-thread").inner_text()
    assert "Shortlisted" in page.locator(".status-badge").first.inner_text()


# --- 3. the university's technology finds its licensee ---------------------------------------


def offer_the_technology(page, market: Market) -> None:
    from innocluster.exchange.models import TechnologyOffer

    page.goto("/exchange/")
    click_and_wait(page, "main a[href='/exchange/technologies/new/']")
    page.fill("#id_title", TECHNOLOGY)
    page.fill("#id_summary", "Нанопористая мембрана удаляет тяжелые металлы из сточных вод.")
    page.fill("#id_title_translated", "Membrane filter for waste water")
    page.fill("#id_description", "Мембрана из оксида алюминия для очистки сточных вод.")
    page.check("input[name=priority_areas][value=environment]")
    page.check("input[name=ip_kinds][value=patent]")
    page.fill("#id_patent_numbers", "RU 2712345 C1")
    page.select_option("#id_trl", "6")
    page.fill("#id_licensing_terms", "Неисключительная лицензия, роялти три процента.")
    axe_check(page, "technology form")
    click_and_wait(page, "main form .actions button[name=save]")
    no_errors(page, "technology saved")
    assert "Saved as a draft: only your organisation sees it." in success_message(page)
    offer = TechnologyOffer.objects.get(title=TECHNOLOGY)
    assert offer.status == "draft" and offer.owner == market.university
    click_and_wait(page, f"form[action$='/exchange/technologies/{offer.pk}/publish/'] button")
    no_errors(page, "technology published")
    offer.refresh_from_db()
    assert offer.status == "published", main_text(page)
    axe_check(page, "technology page")

    click_and_wait(page, f"main a[href='/matching/technologies/{offer.pk}/']")
    licensees = page.locator("section[aria-labelledby=group-licensees]")
    found = licensees.locator(f"#match-{market.licensee.pk}")
    assert found.count() == 1, main_text(page)
    assert licensees.locator(f"#match-{market.bakery.pk}").count() == 0, main_text(page)
    why = found.locator(".match-why").inner_text()
    assert "Shared words:" in why and "сточных" in why, why
    axe_check(page, "technology's licensees")


def ask_for_a_consortium(page) -> None:
    page.goto("/matching/consortium/")
    page.fill("#id_idea", IDEA)
    click_and_wait(page, "main form button[type=submit]")
    assert page.locator("section[aria-labelledby^=group-]").count() == 3, main_text(page)
    axe_check(page, "consortium")


def the_main_pages_in_russian(owner, founder, challenge) -> None:
    visits = [
        (founder, f"/exchange/challenges/{challenge.pk}/"),
        (owner, f"/matching/challenges/{challenge.pk}/"),
        (founder, "/exchange/search/?" + urlencode({"q": "беспилотник"})),
    ]
    for page, url in visits:
        use_language(page, "ru")
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "ru"
        axe_check(page, f"{url} (ru)")
    # The search in Russian still finds it.
    assert founder.locator(
        f"ol.search-results a[href='/exchange/challenges/{challenge.pk}/']"
    ).count()


def test_a_challenge_is_posted_matched_found_and_answered_and_a_technology_finds_its_licensee(
    browser, live_url
):
    market = Market.make()
    people = Cast(browser, live_url, language="en")
    try:
        owner = people(market.editor)
        challenge = post_the_challenge(owner, market)  # 1
        read_the_candidates(owner, market, challenge)
        founder = people(market.founder)
        page_before = founder.goto("/exchange/challenges/")  # the list, as a visitor finds it
        assert page_before.status == 200
        assert founder.locator(f"main a[href='/exchange/challenges/{challenge.pk}/']").count()
        assert SECRET not in founder.content()
        axe_check(founder, "challenge list")
        solution = find_and_answer(founder, challenge)  # 2
        shortlist_and_write(owner, market, challenge, solution)
        read_the_message(founder, solution)
        offer_the_technology(people(market.researcher), market)  # 3
        ask_for_a_consortium(founder)
        the_main_pages_in_russian(owner, founder, challenge)  # 4
    finally:
        people.close()
