"""Solution pages: answering with files, the solution's page (either side only), the owner's
moves and pipeline, withdrawing, messages and downloading attachments."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from innocluster.exchange.models import Solution, SolutionMessage
from tests.accounts.factories import FundOperatorFactory
from tests.registry.factories import MemberOrganisationFactory

from .factories import ChallengeFactory, NdaChallengeFactory, SolutionFactory, person_of

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def challenge():
    return ChallengeFactory()


def test_answering_with_files(challenge):
    client = login(person_of(MemberOrganisationFactory(), "editor"))
    assert client.get(f"/exchange/challenges/{challenge.pk}/respond/").status_code == 200
    response = client.post(
        f"/exchange/challenges/{challenge.pk}/respond/",
        {
            "description": "Наше решение",
            "trl": "7",
            "files": [
                SimpleUploadedFile("spec.pdf", b"%PDF-1.4 x", "application/pdf"),
                SimpleUploadedFile("notes.txt", b"notes", "text/plain"),
            ],
        },
    )
    solution = Solution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exchange/challenges/solutions/{solution.pk}/"
    assert solution.attachments.count() == 2
    page = text(client.get(response["Location"]))
    assert "spec.pdf" in page and "Наше решение" in page
    attachment = solution.attachments.get(filename="spec.pdf")
    download = client.get(f"/exchange/challenges/solutions/{solution.pk}/files/{attachment.pk}/")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 x"
    assert "attachment" in download["Content-Disposition"]


def test_the_responder_adds_files_until_the_owner_decides(challenge):
    solution = SolutionFactory(challenge=challenge)
    responder = login(person_of(solution.responder, "editor"))
    url = f"/exchange/challenges/solutions/{solution.pk}/files/"
    page = text(responder.get(f"/exchange/challenges/solutions/{solution.pk}/"))
    assert f'action="{url}"' in page
    added = responder.post(url, {"files": [SimpleUploadedFile("pilot-plan.pdf", b"%PDF-1.4 p")]})
    assert added.status_code == 302
    assert list(solution.attachments.values_list("filename", flat=True)) == ["pilot-plan.pdf"]
    # Nothing chosen, or a file of a type not taken: named next to the field, nothing stored.
    for files in ([], [SimpleUploadedFile("run.exe", b"MZ")]):
        refused = responder.post(url, {"files": files})
        assert refused.status_code == 422 and 'id="id_files_error"' in text(refused)
    assert solution.attachments.count() == 1
    # The owner's side and strangers cannot add files to someone's solution.
    assert login(person_of(challenge.owner)).post(url, {"files": []}).status_code in (403, 404)
    stranger = login(person_of(MemberOrganisationFactory()))
    assert stranger.post(url, {"files": [SimpleUploadedFile("x.pdf", b"%PDF")]}).status_code == 404
    # Once decided, no more files.
    solution.status = "declined"
    solution.save()
    assert f'action="{url}"' not in text(
        responder.get(f"/exchange/challenges/solutions/{solution.pk}/")
    )
    late = responder.post(url, {"files": [SimpleUploadedFile("late.pdf", b"%PDF-1.4 l")]})
    assert late.status_code == 403 and solution.attachments.count() == 1


def test_a_bad_file_is_named_next_to_the_field(challenge):
    client = login(person_of(MemberOrganisationFactory(), "editor"))
    response = client.post(
        f"/exchange/challenges/{challenge.pk}/respond/",
        {"description": "Решение", "trl": "7", "files": [SimpleUploadedFile("run.exe", b"MZ")]},
    )
    assert response.status_code == 422
    assert 'id="id_files_error"' in text(response) and "run.exe" in text(response)
    assert not Solution.objects.exists()


def test_under_nda_the_respond_page_sends_to_the_nda_first():
    challenge = NdaChallengeFactory()
    client = login(person_of(MemberOrganisationFactory(), "editor"))
    page = text(client.get(f"/exchange/challenges/{challenge.pk}/respond/"))
    assert f"/exchange/challenges/{challenge.pk}/nda/" in page
    response = client.post(
        f"/exchange/challenges/{challenge.pk}/respond/", {"description": "Решение", "trl": "7"}
    )
    assert response.status_code == 409 and not Solution.objects.exists()


def test_only_the_two_sides_see_a_solution(challenge):
    solution = SolutionFactory(challenge=challenge)
    attachment_url = f"/exchange/challenges/solutions/{solution.pk}/"
    for client in (
        Client(),
        login(FundOperatorFactory()),
        login(person_of(MemberOrganisationFactory())),
    ):
        response = client.get(attachment_url)
        assert response.status_code in (302, 404)
        assert solution.description not in text(response)
        posted = client.post(f"{attachment_url}messages/", {"body": "Привет"})
        assert posted.status_code in (302, 404)
        if posted.status_code == 302:
            assert "/accounts/login/" in posted["Location"]
    assert not SolutionMessage.objects.exists()
    assert login(person_of(challenge.owner, "viewer")).get(attachment_url).status_code == 200
    assert login(person_of(solution.responder, "viewer")).get(attachment_url).status_code == 200


def test_the_owner_moves_a_solution_and_the_pipeline_shows_it(challenge):
    solution = SolutionFactory(challenge=challenge)
    client = login(person_of(challenge.owner, "editor"))
    url = f"/exchange/challenges/solutions/{solution.pk}/move/"
    assert client.post(url, {"action": "shortlist"}).status_code == 302
    refused = client.post(url, {"action": "decline", "feedback": ""})
    assert refused.status_code == 422 and 'id="id_feedback_error"' in text(refused)
    solution.refresh_from_db()
    assert solution.status == "shortlisted"
    client.post(url, {"action": "propose_pilot"})
    client.post(url, {"action": "accept"})
    solution.refresh_from_db()
    assert solution.status == "accepted"
    page = text(client.get(f"/exchange/challenges/solutions/{solution.pk}/"))
    assert "#manage-heading" in page  # offered to move the challenge on
    pipeline = text(client.get(f"/exchange/challenges/{challenge.pk}/solutions/"))
    assert f'data-solution="{solution.pk}"' in pipeline
    other = SolutionFactory(challenge=challenge)
    responder = login(person_of(other.responder, "editor"))
    moved = responder.post(
        f"/exchange/challenges/solutions/{other.pk}/move/", {"action": "shortlist"}
    )
    assert moved.status_code == 403
    other.refresh_from_db()
    assert other.status == "received"


def test_withdraw_and_messages(challenge):
    solution = SolutionFactory(challenge=challenge)
    responder = login(person_of(solution.responder, "editor"))
    owner = login(person_of(challenge.owner, "editor"))
    base = f"/exchange/challenges/solutions/{solution.pk}/"
    assert responder.post(f"{base}messages/", {"body": "Вопрос"}).status_code == 302
    empty = owner.post(f"{base}messages/", {"body": ""})
    assert empty.status_code == 422 and 'id="id_body_error"' in text(empty)
    assert owner.post(f"{base}messages/", {"body": "Ответ"}).status_code == 302
    page = text(responder.get(base))
    assert "Вопрос" in page and "Ответ" in page
    assert owner.post(f"{base}withdraw/").status_code == 403
    assert responder.post(f"{base}withdraw/").status_code == 302
    solution.refresh_from_db()
    assert solution.status == "withdrawn"


@pytest.mark.parametrize("side", ["owner", "responder"])
def test_read_only_viewers_read_messages_but_cannot_send_them(side, challenge):
    solution = SolutionFactory(challenge=challenge)
    organisation = challenge.owner if side == "owner" else solution.responder
    viewer = login(person_of(organisation, "viewer"))
    viewer.cookies["ic_lang"] = "en"
    base = f"/exchange/challenges/solutions/{solution.pk}/"
    login(person_of(solution.responder, "editor")).post(f"{base}messages/", {"body": "Вопрос"})
    page = text(viewer.get(base))
    assert "Вопрос" in page
    assert f'action="{base}messages/"' not in page
    assert "may write messages; you may read them" in page
    refused = viewer.post(f"{base}messages/", {"body": "from a read-only viewer"})
    assert refused.status_code == 403
    assert SolutionMessage.objects.count() == 1


@pytest.mark.parametrize("status", ["suspended", "withdrawn"])
def test_a_side_no_longer_admitted_cannot_send_messages(status, challenge):
    solution = SolutionFactory(challenge=challenge)
    editor = login(person_of(solution.responder, "editor"))
    editor.cookies["ic_lang"] = "en"
    solution.responder.status = status
    solution.responder.save()
    base = f"/exchange/challenges/solutions/{solution.pk}/"
    page = text(editor.get(base))
    assert f'action="{base}messages/"' not in page
    assert "not admitted to the cluster now: it cannot send messages" in page
    assert editor.post(f"{base}messages/", {"body": "Ещё вопрос"}).status_code == 403
    assert SolutionMessage.objects.count() == 0
    owner = login(person_of(challenge.owner, "editor"))
    assert f'action="{base}messages/"' in text(owner.get(base))


def test_the_pipeline_export_counts_each_solutions_files_and_messages(challenge):
    import csv
    import io

    from innocluster.exchange.models import SolutionAttachment

    busy = SolutionFactory(challenge=challenge)
    quiet = SolutionFactory(challenge=challenge)
    for n in range(2):
        SolutionAttachment.objects.create(
            solution=busy,
            filename=f"f{n}.pdf",
            media_type="application/pdf",
            sha256="0" * 64,
            size=1,
        )
    for n in range(3):
        SolutionMessage.objects.create(
            solution=busy, author_organisation=challenge.owner, body=f"m{n}"
        )
    client = login(person_of(challenge.owner))
    response = client.get(f"/exchange/challenges/{challenge.pk}/solutions.csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(content), delimiter=";")}
    assert (rows[str(busy.pk)]["attachments"], rows[str(busy.pk)]["messages"]) == ("2", "3")
    assert (rows[str(quiet.pk)]["attachments"], rows[str(quiet.pk)]["messages"]) == ("0", "0")
