"""The exchange demo's content: Moscow-like organisations, technology offers, products,
challenges with their solutions and messages, and expressions of interest. Some items are
written in Russian with an English translation, some in English only, some in Russian only.
Everything is made up; patent numbers have the right shape and belong to nobody in particular.

Organisations are named by key: ``member`` is the demo member's company; ``testsite`` the
demo test-site owner's city body; ``U1``.. the institutions, corporations and city bodies of
``ORGANISATIONS`` (made by the demo when absent); ``company:N`` the N-th admitted member company
of the registry (the demo member's company when there are too few).
"""

from __future__ import annotations

# key: (name_ru, name_en, kind, priority areas, main OKVED)
ORGANISATIONS = {
    "U1": ("ФГАОУ ВО «Московский университет прикладных технологий»",
           "Moscow University of Applied Technologies", "university", ["ict", "energy"], "85.22"),
    "U2": ("ФГБОУ ВО «Московский медико-технический университет»",
           "Moscow Medical Technology University", "university", ["medicine", "fintech"], "85.22"),
    "I1": ("ФГБУН «Институт функциональных материалов»",
           "Institute of Functional Materials", "research_institute", ["materials", "environment"],
           "72.19"),
    "I2": ("ФГБУН «Институт биоинженерии и биоэкономики»",
           "Institute of Bioengineering and Bioeconomy", "research_institute",
           ["biotech", "medicine"], "72.11"),
    "I3": ("ГБУ «Научно-исследовательский институт городских систем»",
           "Research Institute of Urban Systems", "research_institute", ["transport", "construction"],
           "72.19"),
    "C1": ("ПАО «Столичная энергосетевая компания»", "Capital Grid Company PJSC", "corporation",
           ["energy"], "35.12"),
    "C2": ("АО «Метрополитен-Сервис»", "Metro Service JSC", "corporation",
           ["transport", "energy"], "49.31"),
    "C3": ("ПАО «Городская девелоперская корпорация»", "City Development Corporation PJSC",
           "corporation", ["construction", "materials"], "41.20"),
    "B2": ("ГКУ города Москвы «Центр цифровых городских сервисов»",
           "Moscow Centre for Digital City Services", "city_body", ["ict", "transport"], "84.11"),
}  # fmt: skip

# Technology offers: (owner, status, fields). Status: published, draft or archived.
TECHNOLOGIES = [
    ("I1", "published", {
        "language": "ru",
        "title": "Нанопористые керамические мембраны для очистки промышленных стоков",
        "summary": "Мембраны из оксида алюминия с порами 20–50 нм задерживают ионы тяжелых "
                   "металлов и эмульсии нефтепродуктов; ресурс до 5 000 часов без замены.",
        "title_translated": "Nanoporous ceramic membranes for industrial waste water",
        "summary_translated": "Alumina membranes with 20-50 nm pores retain heavy metal ions and "
                              "oil emulsions; up to 5,000 hours before replacement.",
        "description": "Технология анодного окисления алюминия с последующим спеканием дает "
                       "мембраны с управляемым размером пор. Пилотная установка производительностью "
                       "2 м³/ч испытана на гальваническом производстве в Зеленограде: содержание "
                       "никеля и хрома снижено ниже ПДК для сброса в городскую канализацию.",
        "priority_areas": ["environment", "materials"],
        "ip_kinds": ["patent", "know_how"],
        "patent_numbers": ["RU 2768431 C1", "RU 2781122 C2"],
        "trl": 6,
        "licensing_terms": "Неисключительная лицензия: паушальный платеж и роялти 3 процента от "
                           "выручки; сопровождение запуска производства силами института.",
        "lab_competencies": "Лаборатория мембранных технологий: сканирующий электронный микроскоп, "
                            "стенд испытаний проницаемости, муфельные печи до 1 600 °C.",
    }),
    ("I1", "published", {
        "language": "ru",
        "title": "Огнестойкая композитная арматура из базальтового волокна",
        "summary": "Арматура сохраняет 80 процентов прочности после 90 минут при 600 °C; легче "
                   "стальной в 4 раза и не корродирует.",
        "description": "Связующее на основе модифицированного фенольного олигомера и "
                       "базальтовое ровинговое волокно. Подходит для фундаментов, дорожных плит и "
                       "конструкций в агрессивной среде. Опытная партия 12 тонн выпущена на "
                       "производственной площадке партнера в Подмосковье.",
        "priority_areas": ["construction", "materials"],
        "ip_kinds": ["patent"],
        "patent_numbers": ["RU 2794410 C1", "RU 215873 U1"],
        "trl": 7,
        "licensing_terms": "Исключительная лицензия на территорию Москвы и области сроком на "
                           "5 лет либо неисключительная лицензия для других регионов.",
        "partnership_terms": "Совместная сертификация по ГОСТ 31938 с производителем.",
    }),
    ("U1", "published", {
        "language": "en",
        "title": "Edge AI module for predictive maintenance of escalators",
        "summary": "A vibration and current sensor kit with an on-device neural network that "
                   "warns of bearing and chain wear two to four weeks before a failure.",
        "description": "Trained on 3 years of data from 120 escalators; runs on a low-power "
                       "microcontroller, needs no cloud connection and reports over Modbus or MQTT. "
                       "Registered computer program, source code available to licensees.",
        "priority_areas": ["ict", "transport", "manufacturing"],
        "ip_kinds": ["software", "know_how"],
        "trl": 5,
        "licensing_terms": "A per-device licence, or a site licence for an operator's fleet.",
        "partnership_terms": "A joint pilot on 10 escalators with shared results.",
        "lab_competencies": "Vibration test bench, climatic chamber from -40 to +85 °C.",
    }),
    ("U1", "published", {
        "language": "ru",
        "title": "Цифровой двойник тепловой сети района",
        "summary": "Модель тепловой сети в реальном времени по данным узлов учета: находит "
                   "перетопы и недотопы и предлагает режимы котельных.",
        "title_translated": "A digital twin of a district heating network",
        "summary_translated": "A real-time model of the heating network from metering data: finds "
                              "over- and underheating and proposes boiler house settings.",
        "description": "Гидравлический расчет сети на 3 000 узлов выполняется за 2 секунды. "
                       "Испытан на сети района с 180 многоквартирными домами: экономия тепла "
                       "7 процентов за отопительный сезон.",
        "priority_areas": ["energy", "ict"],
        "ip_kinds": ["software"],
        "trl": 6,
        "partnership_terms": "Совместный пилот с теплоснабжающей организацией; доработка под ее "
                             "SCADA за счет университета.",
    }),
    ("U2", "published", {
        "language": "ru",
        "title": "Биосовместимое покрытие для ортопедических имплантов",
        "summary": "Покрытие из гидроксиапатита с ионами серебра ускоряет приживление "
                   "имплантов и снижает риск инфекций.",
        "title_translated": "A biocompatible coating for orthopaedic implants",
        "summary_translated": "A hydroxyapatite coating with silver ions speeds up implant "
                              "integration and lowers the risk of infection.",
        "description": "Микродуговое оксидирование титана с последующим осаждением "
                       "гидроксиапатита. Доклинические испытания на лабораторных животных "
                       "завершены; подготовлен пакет документов для регистрации медизделия.",
        "priority_areas": ["medicine", "materials"],
        "ip_kinds": ["patent", "know_how"],
        "patent_numbers": ["RU 2755021 C2"],
        "trl": 5,
        "licensing_terms": "Лицензия производителю имплантов с роялти 4 процента.",
        "lab_competencies": "Центр коллективного пользования: рентгеновский дифрактометр, "
                            "клеточная лаборатория BSL-2, установка микродугового оксидирования.",
    }),
    ("I2", "published", {
        "language": "ru",
        "title": "Штамм бактерий для биодеградации нефтепродуктов в почве",
        "summary": "Консорциум штаммов разлагает до 85 процентов нефтепродуктов в почве за "
                   "один теплый сезон, в том числе при загрязнении до 10 г/кг.",
        "description": "Штаммы депонированы во Всероссийской коллекции промышленных "
                       "микроорганизмов. Технология внесения в виде сухого биопрепарата; "
                       "применялась на рекультивации территорий бывших АЗС.",
        "priority_areas": ["biotech", "environment"],
        "ip_kinds": ["patent", "know_how"],
        "patent_numbers": ["2749930"],
        "trl": 6,
        "licensing_terms": "Неисключительная лицензия на производство биопрепарата.",
    }),
    ("I2", "published", {
        "language": "en",
        "title": "Rapid PCR test for antibiotic-resistant pathogens in 40 minutes",
        "summary": "Detects carbapenemase genes in hospital samples in 40 minutes on standard "
                   "real-time PCR equipment.",
        "description": "Lyophilised reagents stored at room temperature; validated on 600 "
                       "clinical samples from Moscow hospitals with 97 per cent sensitivity.",
        "priority_areas": ["medicine", "biotech"],
        "ip_kinds": ["know_how"],
        "trl": 7,
        "licensing_terms": "Transfer of the know-how and the production protocol to a kit "
                           "manufacturer, with a lump sum and royalties.",
        "lab_competencies": "PCR laboratory, biobank of clinical isolates.",
    }),
    ("I3", "published", {
        "language": "ru",
        "title": "Адаптивное управление светофорами по данным детекторов транспорта",
        "summary": "Алгоритм меняет фазы светофоров по очередям на подходах и сокращает "
                   "задержки на перекрестке до 20 процентов.",
        "title_translated": "Adaptive traffic light control from vehicle detector data",
        "summary_translated": "An algorithm adjusts signal phases to the queues at each approach "
                              "and cuts intersection delays by up to 20 per cent.",
        "description": "Работает с видеодетекторами и индуктивными петлями; совместим с "
                       "контроллерами, применяемыми в Москве. Испытан на 6 перекрестках.",
        "priority_areas": ["transport", "ict"],
        "ip_kinds": ["patent", "software"],
        "patent_numbers": ["RU2736809C1"],
        "trl": 8,
        "licensing_terms": "Лицензия на программу и способ для интеграторов ИТС.",
    }),
    ("U2", "draft", {
        "language": "ru",
        "title": "Федеративное обучение для кредитного скоринга без передачи персональных данных",
        "summary": "Банки обучают общую модель, не раскрывая данных клиентов.",
        "priority_areas": ["fintech", "ict"],
        "ip_kinds": ["software"],
        "trl": 4,
    }),
    ("I3", "archived", {
        "language": "ru",
        "title": "Акустический датчик утечек в водопроводных сетях",
        "summary": "Датчик на магистральной трубе слышит утечку на расстоянии до 300 м.",
        "description": "Полезная модель; лицензия передана городской водоканальной компании.",
        "priority_areas": ["environment", "construction"],
        "ip_kinds": ["patent"],
        "patent_numbers": ["RU 201564 U1"],
        "trl": 8,
        "licensing_terms": "Исключительная лицензия передана.",
    }),
]  # fmt: skip

# Products and services: (owner, status, fields).
PRODUCTS = [
    ("member", "published", {
        "language": "ru",
        "title": "Облачная платформа телемедицинских консультаций",
        "summary": "Видеоконсультации врач–пациент и врач–врач с электронной медицинской "
                   "картой и интеграцией с ЕМИАС.",
        "title_translated": "Cloud telemedicine consultation platform",
        "summary_translated": "Doctor-patient and doctor-doctor video consultations with an "
                              "electronic health record, integrated with the city's EMIAS.",
        "description": "Сервис в реестре российского ПО; данные хранятся в Москве. "
                       "Подключение клиники занимает 3 дня.",
        "priority_areas": ["medicine", "ict"],
        "trl": 9,
        "references": "14 частных клиник Москвы; пилот в двух городских поликлиниках.",
        "price_model": "subscription",
        "price_note": "от 25 000 руб. в месяц за клинику",
    }),
    ("member", "published", {
        "language": "en",
        "title": "Medical document recognition API",
        "summary": "Turns scanned referrals, lab results and discharge summaries into structured "
                   "data.",
        "description": "Russian handwriting and printed forms; 98 per cent field accuracy on "
                       "typical lab forms; on-premises installation available.",
        "priority_areas": ["ict", "medicine"],
        "trl": 8,
        "price_model": "per_unit",
        "price_note": "2 RUB a page",
    }),
    ("company:0", "published", {
        "language": "ru",
        "title": "Машинное зрение для контроля сварных швов",
        "summary": "Камеры на линии сварки находят поры, непровары и подрезы в реальном "
                   "времени и останавливают линию до выпуска брака.",
        "description": "Нейросеть обучена на 400 000 снимков швов; интеграция с ПЛК линии.",
        "priority_areas": ["manufacturing"],
        "trl": 8,
        "references": "Два завода металлоконструкций в Москве и Подольске.",
        "price_model": "fixed",
        "price_note": "от 2,4 млн руб. за линию",
    }),
    ("company:1", "published", {
        "language": "ru",
        "title": "Самовосстанавливающееся полимерное покрытие для мостов",
        "summary": "Покрытие затягивает трещины до 0,5 мм и защищает бетон от солей.",
        "title_translated": "Self-healing polymer coating for bridges",
        "summary_translated": "The coating closes cracks of up to 0.5 mm and protects concrete "
                              "from de-icing salts.",
        "description": "Микрокапсулы с полимеризующимся составом; срок службы 15 лет.",
        "priority_areas": ["materials", "construction"],
        "trl": 7,
        "price_model": "on_request",
    }),
    ("company:2", "published", {
        "language": "en",
        "title": "Biochar soil conditioner from municipal green waste",
        "summary": "Turns fallen leaves and cut branches from city parks into biochar that keeps "
                   "water and nutrients in urban soils.",
        "description": "Pyrolysis unit in a container; 1 tonne of green waste gives 250 kg of "
                       "biochar.",
        "priority_areas": ["environment", "biotech"],
        "trl": 7,
        "price_model": "per_unit",
        "price_note": "18,000 RUB a tonne",
    }),
    ("company:3", "published", {
        "language": "ru",
        "title": "Экспресс-тест на лактат для спортивной медицины",
        "summary": "Результат за 30 секунд по капле крови; анализатор размером с телефон.",
        "title_translated": "Rapid lactate test for sports medicine",
        "summary_translated": "Results in 30 seconds from a drop of blood; a phone-sized "
                              "analyser.",
        "description": "Биосенсор на основе фермента лактатоксидазы; регистрационное "
                       "удостоверение медизделия получено.",
        "priority_areas": ["medicine", "biotech"],
        "trl": 9,
        "price_model": "fixed",
        "price_note": "анализатор 38 000 руб., тест-полоски 90 руб.",
    }),
    ("company:4", "published", {
        "language": "ru",
        "title": "BIM-сервис проверки проектной документации",
        "summary": "Проверяет информационную модель здания на соответствие сводам правил до "
                   "подачи в экспертизу.",
        "description": "Более 1 200 автоматических проверок по СП и ГОСТ; отчет с привязкой к "
                       "элементам модели.",
        "priority_areas": ["construction", "ict"],
        "trl": 8,
        "price_model": "subscription",
        "price_note": "от 60 000 руб. в месяц",
    }),
    ("company:5", "published", {
        "language": "ru",
        "title": "Накопители энергии на литий-железо-фосфатных батареях для ЖКХ",
        "summary": "Сглаживают пиковые нагрузки котельных и насосных станций и обеспечивают "
                   "резервное питание.",
        "title_translated": "LiFePO4 energy storage for housing and utilities",
        "summary_translated": "Smooth the peak loads of boiler houses and pumping stations and "
                              "keep them running during outages.",
        "description": "Модули от 100 кВт·ч до 2 МВт·ч, система управления российской "
                       "разработки.",
        "priority_areas": ["energy"],
        "trl": 8,
        "price_model": "on_request",
    }),
    ("company:6", "published", {
        "language": "en",
        "title": "Fleet telematics for electric buses",
        "summary": "Battery health, charging schedules and driver behaviour for an electric bus "
                   "fleet in one dashboard.",
        "description": "Works with the charging stations and buses used in Moscow; predicts "
                       "range in winter.",
        "priority_areas": ["transport", "energy"],
        "trl": 8,
        "price_model": "subscription",
        "price_note": "1,500 RUB a bus a month",
    }),
    ("company:7", "published", {
        "language": "ru",
        "title": "Платформа цифровых финансовых активов для МСП",
        "summary": "Выпуск цифровых долговых обязательств малым бизнесом для привлечения "
                   "оборотного капитала.",
        "title_translated": "Digital financial assets platform for SMEs",
        "summary_translated": "Small businesses issue digital debt to raise working capital.",
        "description": "Оператор информационной системы включен в реестр Банка России.",
        "priority_areas": ["fintech"],
        "trl": 9,
        "price_model": "per_unit",
        "price_note": "1 процент от объема выпуска",
    }),
    ("company:8", "published", {
        "language": "ru",
        "title": "Датчики качества воздуха для школ",
        "summary": "CO₂, температура, влажность и взвешенные частицы в каждом классе; "
                   "подсказки, когда проветривать.",
        "description": "Беспроводные датчики, панель для завуча, открытые данные для родителей.",
        "priority_areas": ["environment", "ict"],
        "trl": 9,
        "price_model": "fixed",
        "price_note": "9 500 руб. за датчик",
    }),
    ("company:9", "published", {
        "language": "en",
        "title": "Open-source geospatial analytics library",
        "summary": "Routing, isochrones and catchment areas on OpenStreetMap data for city "
                   "planners.",
        "description": "Python library with a web service; commercial support available.",
        "priority_areas": ["ict", "transport"],
        "price_model": "free",
    }),
    ("member", "draft", {
        "language": "ru",
        "title": "Голосовой ассистент для регистратуры поликлиники",
        "summary": "Принимает звонки и записывает пациентов к врачу.",
        "priority_areas": ["medicine", "ict"],
        "price_model": "subscription",
    }),
]  # fmt: skip

NDA_TEXT = (
    "Получающая сторона обязуется не раскрывать третьим лицам сведения о задаче, полученные "
    "после принятия настоящего соглашения, использовать их только для подготовки решения и "
    "уничтожить их по запросу раскрывающей стороны. Срок действия обязательств — 3 года."
)

# Challenges: owner, the life it goes through, its fields, its solutions.
# life: draft | open | evaluating | piloting | closed:<outcome>
# Each solution: (responder, fate, trl, description, messages). fate: received, shortlisted,
# pilot_proposed, accepted, declined, withdrawn. messages: (side, text), side owner|responder.
CHALLENGES = [
    {
        "owner": "C1", "life": "open",
        "fields": {
            "language": "ru",
            "title": "Предиктивная диагностика кабельных линий 10 кВ",
            "summary": "Ищем методы и сервисы, которые предскажут пробой кабельной линии "
                       "среднего напряжения за недели до аварии.",
            "title_translated": "Predictive diagnostics of 10 kV cable lines",
            "summary_translated": "We look for methods and services that predict a medium "
                                  "voltage cable breakdown weeks before it happens.",
            "details": "В сети компании 38 000 км кабельных линий 6–10 кВ, 30 процентов старше "
                       "40 лет. Доступны данные частичных разрядов с 1 200 подстанций и история "
                       "аварий за 10 лет.",
            "expected_result": "Сервис ранжирования линий по риску отказа с точностью не ниже "
                               "70 процентов на горизонте 30 дней.",
            "requirements": "Размещение в контуре компании, российское ПО, интеграция с SCADA.",
            "visibility": "nda", "nda_text": NDA_TEXT,
            "priority_areas": ["energy", "ict"], "trl_min": 5,
            "owner_offers": ["pilot", "purchase"],
            "budget_min_rub": "5000000.00", "budget_max_rub": "25000000.00",
        },
        "solutions": [
            ("member", "received", 6, "Модель градиентного бустинга по данным частичных "
             "разрядов и нагрузки; обучение на истории аварий заказчика.", []),
            ("company:5", "shortlisted", 7, "Распределенные оптоволоконные датчики температуры "
             "вдоль трассы и анализ трендов.", [
                ("owner", "Можете ли вы установить датчики без раскопок на действующих линиях?"),
                ("responder", "Да, на участках в коллекторах; для грунта нужен отдельный проект."),
            ]),
            ("company:0", "declined", 5, "Тепловизионный контроль концевых муфт.", []),
        ],
    },
    {
        "owner": "B2", "life": "open",
        "fields": {
            "language": "en",
            "title": "Detecting potholes from city bus cameras",
            "summary": "Find road defects automatically in the video city buses already record, "
                       "and send them to the road maintenance service.",
            "details": "About 6,000 buses with front cameras; video is kept for 72 hours.",
            "expected_result": "A map of defects updated daily, with a photo of each.",
            "requirements": "Personal data (faces, plates) blurred before storage.",
            "visibility": "public",
            "priority_areas": ["ict", "transport"], "trl_min": 6,
            "owner_offers": ["pilot"],
            "budget_max_rub": "8000000.00",
        },
        "solutions": [
            ("company:9", "received", 7, "Segmentation network running on the buses' recorders, "
             "uploading only defect frames.", []),
            ("company:6", "withdrawn", 6, "Telematics-based vibration mapping.", []),
        ],
    },
    {
        "owner": "C2", "life": "evaluating",
        "fields": {
            "language": "ru",
            "title": "Рекуперация энергии торможения поездов метро",
            "summary": "Ищем решения для накопления и повторного использования энергии "
                       "торможения на тяговых подстанциях.",
            "details": "Пиковая мощность рекуперации на перегоне до 4 МВт; напряжение 825 В.",
            "expected_result": "Снижение потребления тяговой энергии не менее чем на 10 процентов.",
            "requirements": "Размещение в существующих помещениях подстанций.",
            "visibility": "members",
            "priority_areas": ["transport", "energy"], "trl_min": 6,
            "owner_offers": ["pilot", "investment"],
            "budget_min_rub": "20000000.00", "budget_max_rub": "120000000.00",
        },
        "solutions": [
            ("company:5", "pilot_proposed", 7, "Накопители на суперконденсаторах 2 МДж с "
             "системой управления.", [
                ("owner", "Предлагаем пилот на подстанции Калужско-Рижской линии."),
                ("responder", "Согласны, готовы начать монтаж через 6 недель."),
            ]),
            ("company:1", "shortlisted", 6, "Маховичный накопитель в вакуумном корпусе.", []),
            ("company:3", "declined", 4, "Водородный накопитель с электролизером.", []),
        ],
    },
    {
        "owner": "testsite", "life": "piloting",
        "fields": {
            "language": "ru",
            "title": "Умная остановка: подсчет пассажиров и климат в павильоне",
            "summary": "Нужна система, которая считает ожидающих пассажиров и управляет "
                       "обогревом павильона остановки.",
            "title_translated": "Smart bus stop: passenger counts and shelter climate",
            "summary_translated": "A system that counts waiting passengers and controls the "
                                  "heating of the bus shelter.",
            "details": "Пилот на 20 остановках в ЮЗАО; питание 220 В есть.",
            "expected_result": "Данные о пассажиропотоке каждые 5 минут в городскую систему.",
            "requirements": "Без хранения изображений лиц.",
            "visibility": "public",
            "priority_areas": ["transport", "ict"], "trl_min": 7,
            "owner_offers": ["pilot", "purchase"],
        },
        "solutions": [
            ("member", "accepted", 8, "Датчики глубины вместо камер и облачная аналитика "
             "пассажиропотока.", [
                ("owner", "Решение принято в пилот: начинаем с 5 остановок."),
            ]),
            ("company:8", "declined", 6, "Инфракрасные счетчики у входа в павильон.", []),
        ],
    },
    {
        "owner": "C3", "life": "closed:adopted",
        "fields": {
            "language": "ru",
            "title": "Неразрушающий контроль прочности бетона в монолитном строительстве",
            "summary": "Ищем способ узнавать прочность бетона перекрытий без отбора кернов, "
                       "чтобы раньше снимать опалубку.",
            "details": "Ежегодно 400 000 м³ монолитного бетона на объектах в Новой Москве.",
            "expected_result": "Прогноз набора прочности в реальном времени.",
            "requirements": "Беспроводные датчики, данные в BIM-модели.",
            "visibility": "public",
            "priority_areas": ["construction", "materials"], "trl_min": 6,
            "owner_offers": ["purchase"],
        },
        "solutions": [
            ("company:4", "accepted", 8, "Закладные датчики температуры и расчет прочности "
             "методом зрелости с выводом в BIM.", []),
        ],
        "note": "Внедрено на трех жилых комплексах; опалубка снимается на 2 дня раньше.",
    },
    {
        "owner": "C1", "life": "closed:not_adopted",
        "fields": {
            "language": "en",
            "title": "Drone inspection of overhead lines in winter",
            "summary": "Inspect 0.4-10 kV overhead lines with drones at down to -30 °C.",
            "title_translated": "Зимняя инспекция воздушных линий дронами",
            "summary_translated": "Осмотр воздушных линий 0,4–10 кВ дронами при температуре до "
                                  "-30 °C.",
            "details": "Routes of 50 km, icing on wires must be detected.",
            "expected_result": "A defect report within 24 hours of a flight.",
            "requirements": "Russian-made drones and software.",
            "visibility": "members",
            "priority_areas": ["energy", "transport"], "trl_min": 7,
            "owner_offers": ["purchase"],
        },
        "solutions": [
            ("company:6", "declined", 5, "Heated-battery quadcopters with thermal cameras.", []),
        ],
        "note": "No solution met the temperature range; the request will be repeated next year.",
    },
    {
        "owner": "B2", "life": "closed:cancelled",
        "fields": {
            "language": "ru",
            "title": "Чат-бот для обращений жителей по благоустройству",
            "summary": "Бот в мессенджерах принимает обращения с фото и геометкой.",
            "details": "",
            "visibility": "public",
            "priority_areas": ["ict"], "trl_min": 7,
            "owner_offers": ["purchase"],
        },
        "solutions": [],
        "note": "Функция вошла в городской портал, отдельный бот не нужен.",
    },
    {
        "owner": "C2", "life": "draft",
        "fields": {
            "language": "ru",
            "title": "Прогноз отказов эскалаторов",
            "summary": "Предсказание отказов эскалаторов по вибрации и току двигателя.",
            "details": "Данные с 900 эскалаторов.",
            "visibility": "nda", "nda_text": NDA_TEXT,
            "priority_areas": ["transport", "manufacturing"], "trl_min": 5,
        },
        "solutions": [],
    },
]  # fmt: skip

# Expressions of interest: (from, kind, item reference, message). An item reference is
# ("technology"|"product", index in TECHNOLOGIES/PRODUCTS) or ("challenge", index in CHALLENGES).
INTERESTS = [
    ("member", "technology", 6, "Готовы обсудить встраивание теста в нашу телемедицинскую "
     "платформу для клиник."),
    ("member", "challenge", 1, "We already recognise objects on video; interested in a pilot."),
    ("company:0", "product", 0, "Интересна платформа для медпункта нашего завода."),
    ("C2", "technology", 2, "Готовы предоставить 10 эскалаторов для совместного пилота."),
    ("C1", "technology", 3, ""),
    ("C3", "technology", 1, "Рассматриваем арматуру для фундаментов жилого комплекса."),
    ("company:3", "technology", 4, "Производим импланты; нужна лицензия на покрытие."),
    ("U1", "product", 11, "Would use the library in our urban planning course."),
    ("company:2", "challenge", 3, "Можем предложить отопление павильонов от солнечных панелей."),
    ("testsite", "product", 8, "Интересен пилот на городских маршрутах."),
]  # fmt: skip
