"""Word lists of the demo data: regions, names, technologies, customers, people."""

from ..choices import OrganisationKind

# Regions other than Moscow where partners come from, with their tax-office region code (the
# first two digits of an INN and of the OGRN's region part), the city and its adjective.
PARTNER_REGIONS = [
    ("RU-MOS", "50", 14, "Красногорск", "Krasnogorsk", "Подмосковный", "Moscow Region"),
    ("RU-SPE", "78", 12, "Санкт-Петербург", "Saint Petersburg", "Санкт-Петербургский", "Saint Petersburg"),
    ("RU-TA", "16", 8, "Казань", "Kazan", "Казанский", "Kazan"),
    ("RU-NVS", "54", 6, "Новосибирск", "Novosibirsk", "Новосибирский", "Novosibirsk"),
    ("RU-SVE", "66", 6, "Екатеринбург", "Yekaterinburg", "Уральский", "Ural"),
    ("RU-NIZ", "52", 5, "Нижний Новгород", "Nizhny Novgorod", "Нижегородский", "Nizhny Novgorod"),
    ("RU-TOM", "70", 4, "Томск", "Tomsk", "Томский", "Tomsk"),
    ("RU-SAM", "63", 4, "Самара", "Samara", "Самарский", "Samara"),
    ("RU-BA", "02", 4, "Уфа", "Ufa", "Башкирский", "Bashkir"),
    ("RU-KDA", "23", 4, "Краснодар", "Krasnodar", "Кубанский", "Kuban"),
    ("RU-PER", "59", 3, "Пермь", "Perm", "Пермский", "Perm"),
    ("RU-VOR", "36", 3, "Воронеж", "Voronezh", "Воронежский", "Voronezh"),
    ("RU-KLU", "40", 3, "Обнинск", "Obninsk", "Калужский", "Kaluga"),
    ("RU-TUL", "71", 2, "Тула", "Tula", "Тульский", "Tula"),
    ("RU-YAR", "76", 2, "Ярославль", "Yaroslavl", "Ярославский", "Yaroslavl"),
    ("RU-ROS", "61", 3, "Ростов-на-Дону", "Rostov-on-Don", "Донской", "Don"),
    ("RU-CHE", "74", 3, "Челябинск", "Chelyabinsk", "Челябинский", "Chelyabinsk"),
    ("RU-KGD", "39", 2, "Калининград", "Kaliningrad", "Балтийский", "Baltic"),
    ("RU-IRK", "38", 2, "Иркутск", "Irkutsk", "Иркутский", "Irkutsk"),
    ("RU-KYA", "24", 2, "Красноярск", "Krasnoyarsk", "Сибирский", "Siberian"),
    ("RU-UD", "18", 1, "Ижевск", "Izhevsk", "Удмуртский", "Udmurt"),
    ("RU-ULY", "73", 1, "Ульяновск", "Ulyanovsk", "Ульяновский", "Ulyanovsk"),
    ("RU-PRI", "25", 1, "Владивосток", "Vladivostok", "Дальневосточный", "Far Eastern"),
    ("RU-OMS", "55", 1, "Омск", "Omsk", "Омский", "Omsk"),
    ("RU-SAR", "64", 1, "Саратов", "Saratov", "Саратовский", "Saratov"),
    ("RU-KHM", "86", 1, "Ханты-Мансийск", "Khanty-Mansiysk", "Югорский", "Yugra"),
]  # fmt: skip
MOSCOW = ("RU-MOW", "77", 0, "Москва", "Moscow", "Московский", "Moscow")

# (country, name in Russian, legal suffix, registration number format: "d"=digit, "A"=letter/digit)
FOREIGN_COUNTRIES = [
    ("BY", "Беларусь", "LLC", "ddddddddd"),
    ("KZ", "Казахстан", "LLP", "dddddddddddd"),
    ("AM", "Армения", "LLC", "dd.ddd.dddddd"),
    ("UZ", "Узбекистан", "LLC", "ddddddddd"),
    ("CN", "Китай", "Co., Ltd.", "91AAAAAAAAAAAAAAAA"),
    ("IN", "Индия", "Pvt. Ltd.", "U72900KAddddPTCdddddd"),
    ("AE", "ОАЭ", "FZ-LLC", "dddddd"),
    ("RS", "Сербия", "d.o.o.", "dddddddd"),
    ("TR", "Турция", "A.Ş.", "dddddddddd"),
]

# Name parts: Russian and English spellings of the same brand.
NAME_ROOTS = [
    ("Нейро", "Neuro"), ("Кванто", "Quanto"), ("Био", "Bio"), ("Гео", "Geo"), ("Эко", "Eco"),
    ("Техно", "Techno"), ("Инфо", "Info"), ("Робо", "Robo"), ("Смарт", "Smart"), ("Дата", "Data"),
    ("Вектор", "Vector"), ("Альфа", "Alpha"), ("Омега", "Omega"), ("Сигма", "Sigma"), ("Аура", "Aura"),
    ("Нано", "Nano"), ("Медико", "Medico"), ("Фарма", "Pharma"), ("Энерго", "Energo"), ("Агро", "Agro"),
    ("Аэро", "Aero"), ("Авто", "Auto"), ("Транс", "Trans"), ("Стрим", "Stream"), ("Гига", "Giga"),
    ("Кибер", "Cyber"), ("Спектр", "Spectrum"), ("Орбита", "Orbita"), ("Интел", "Intel"), ("Синерго", "Synergo"),
    ("Полимер", "Polymer"), ("Графен", "Graphene"), ("Фотон", "Photon"), ("Ион", "Ion"), ("Термо", "Thermo"),
    ("Гидро", "Hydro"), ("Строй", "Stroy"), ("Урбан", "Urban"), ("Финтех", "Fintech"), ("Крипто", "Crypto"),
    ("Лидар", "Lidar"), ("Сенсор", "Sensor"), ("Мета", "Meta"), ("Ген", "Gen"), ("Клик", "Click"),
]  # fmt: skip
NAME_SUFFIXES = [
    ("тех", "tech"), ("лаб", "lab"), ("софт", "soft"), ("систем", "system"), ("инвест", "invest"),
    ("логика", "logic"), ("матика", "matica"), ("ком", "com"), ("сервис", "service"), ("про", "pro"),
    ("нет", "net"), ("вижн", "vision"), ("дайнемикс", "dynamics"), ("сайнс", "science"), ("ворк", "work"),
    ("маркет", "market"), ("пульс", "pulse"), ("форм", "form"), ("тек", "tek"), ("медиа", "media"),
]  # fmt: skip
NAME_TAILS = [
    ("", ""), ("", ""), ("", ""), ("", ""), (" Плюс", " Plus"), (" Групп", " Group"), (" Инжиниринг", " Engineering"),
    (" Рус", " Rus"), (" Решения", " Solutions"), (" Системс", " Systems"), (" Лаборатория", " Laboratory"), ("-М", "-M"),
]  # fmt: skip

# Per priority area: OKVED codes, products (Russian in the accusative), and technology keywords.
AREAS = {
    "ict": {
        "okved": [
            "62.01",
            "62.01",
            "62.01",
            "62.02",
            "62.09",
            "63.11",
            "58.29",
            "62.03",
            "63.12",
            "61.10",
        ],
        "products": [
            ("платформу компьютерного зрения", "a computer vision platform"),
            ("систему машинного обучения", "a machine learning system"),
            ("облачную платформу обработки данных", "a cloud data processing platform"),
            ("голосового ассистента на основе искусственного интеллекта", "an AI voice assistant"),
            ("систему кибербезопасности", "a cybersecurity system"),
            ("платформу интернета вещей", "an Internet of Things platform"),
            ("сервис распознавания речи", "a speech recognition service"),
            ("цифровой двойник предприятия", "a digital twin of the enterprise"),
            ("low-code платформу", "a low-code platform"),
            ("систему предиктивной аналитики", "a predictive analytics system"),
        ],
        "tech": [
            ("искусственный интеллект", "artificial intelligence"),
            ("нейросети", "neural networks"),
            ("большие данные", "big data"),
            ("облачные вычисления", "cloud computing"),
            ("компьютерное зрение", "computer vision"),
            ("блокчейн", "blockchain"),
            ("квантовые вычисления", "quantum computing"),
            ("сети 5G", "5G networks"),
        ],
    },
    "manufacturing": {
        "okved": [
            "28.99",
            "28.99.5",
            "28.41",
            "25.62",
            "26.51",
            "28.29",
            "33.20",
            "27.12",
            "28.96.1",
        ],
        "products": [
            ("промышленных роботов", "industrial robots"),
            ("коллаборативных роботов", "collaborative robots"),
            ("станки с числовым программным управлением", "CNC machine tools"),
            ("установки аддитивного производства", "additive manufacturing machines"),
            ("систему автоматизации производства", "a factory automation system"),
            (
                "датчики для промышленного интернета вещей",
                "sensors for the industrial Internet of Things",
            ),
            (
                "систему машинного зрения для контроля качества",
                "a machine vision system for quality control",
            ),
        ],
        "tech": [
            ("робототехника", "robotics"),
            ("аддитивные технологии", "additive manufacturing"),
            ("3D-печать", "3D printing"),
            ("мехатроника", "mechatronics"),
            ("промышленная автоматизация", "industrial automation"),
            ("цифровое производство", "digital manufacturing"),
        ],
    },
    "materials": {
        "okved": ["72.19.3", "20.16", "20.59", "22.23.1", "23.99", "24.45", "20.30", "23.44"],
        "products": [
            ("композитные материалы", "composite materials"),
            ("наноструктурированные покрытия", "nanostructured coatings"),
            ("графеновые добавки для бетона", "graphene additives for concrete"),
            ("биоразлагаемые полимеры", "biodegradable polymers"),
            ("керамику для электроники", "ceramics for electronics"),
            ("металлические порошки для 3D-печати", "metal powders for 3D printing"),
        ],
        "tech": [
            ("нанотехнологии", "nanotechnology"),
            ("композиты", "composites"),
            ("графен", "graphene"),
            ("полимеры", "polymers"),
            ("метаматериалы", "metamaterials"),
            ("порошковая металлургия", "powder metallurgy"),
        ],
    },
    "medicine": {
        "okved": ["21.20", "21.10", "32.50", "26.60", "86.90", "72.19", "62.01", "86.10", "46.46"],
        "products": [
            ("систему поддержки врачебных решений", "a clinical decision support system"),
            ("телемедицинскую платформу", "a telemedicine platform"),
            ("медицинские изделия для кардиологии", "medical devices for cardiology"),
            ("лекарственные препараты для онкологии", "oncology medicines"),
            (
                "анализ медицинских изображений с помощью нейросетей",
                "neural network analysis of medical images",
            ),
            ("носимые медицинские датчики", "wearable medical sensors"),
            ("экзоскелет для реабилитации", "a rehabilitation exoskeleton"),
        ],
        "tech": [
            ("телемедицина", "telemedicine"),
            ("медицинская визуализация", "medical imaging"),
            ("фармацевтика", "pharmaceuticals"),
            ("диагностика", "diagnostics"),
            ("персонализированная медицина", "personalised medicine"),
            ("реабилитация", "rehabilitation"),
        ],
    },
    "biotech": {
        "okved": ["72.11", "21.10", "10.89.4", "10.91.3", "20.14", "72.19"],
        "products": [
            ("генетические тесты", "genetic tests"),
            ("ферменты для пищевой промышленности", "enzymes for the food industry"),
            ("биопрепараты для сельского хозяйства", "biologicals for agriculture"),
            ("клеточные технологии", "cell technologies"),
            ("платформу секвенирования ДНК", "a DNA sequencing platform"),
            ("кормовой белок из микроорганизмов", "microbial feed protein"),
        ],
        "tech": [
            ("биотехнологии", "biotechnology"),
            ("генная инженерия", "genetic engineering"),
            ("секвенирование", "sequencing"),
            ("синтетическая биология", "synthetic biology"),
            ("биоинформатика", "bioinformatics"),
            ("ферментация", "fermentation"),
        ],
    },
    "environment": {
        "okved": ["38.32", "38.21", "39.00", "71.12.5", "74.90.5", "38.11", "28.99.6", "37.00"],
        "products": [
            ("систему мониторинга качества воздуха", "an air quality monitoring system"),
            ("технологию переработки пластиковых отходов", "a plastic waste recycling technology"),
            ("станции очистки сточных вод", "wastewater treatment plants"),
            ("сервис раздельного сбора отходов", "a separate waste collection service"),
            ("датчики шума и загрязнения для города", "urban noise and pollution sensors"),
        ],
        "tech": [
            ("экология", "ecology"),
            ("переработка отходов", "waste recycling"),
            ("экологический мониторинг", "environmental monitoring"),
            ("водоочистка", "water treatment"),
            ("углеродный след", "carbon footprint"),
            ("экономика замкнутого цикла", "circular economy"),
        ],
    },
    "construction": {
        "okved": ["41.20", "71.12", "71.11", "43.99", "42.99", "23.61", "43.21", "71.12.1"],
        "products": [
            (
                "систему информационного моделирования зданий (BIM)",
                "a building information modelling (BIM) system",
            ),
            ("модульные дома", "modular houses"),
            ("3D-печать зданий из бетона", "3D printing of concrete buildings"),
            ("умные системы управления зданием", "smart building management systems"),
            ("энергоэффективные фасадные панели", "energy-efficient facade panels"),
        ],
        "tech": [
            ("BIM", "BIM"),
            ("умный дом", "smart home"),
            ("модульное строительство", "modular construction"),
            ("энергоэффективность", "energy efficiency"),
            ("цифровая стройка", "digital construction"),
        ],
    },
    "energy": {
        "okved": ["35.11", "35.11.4", "27.20", "27.11", "71.12.8", "35.30", "27.20.3", "35.12"],
        "products": [
            ("накопители энергии", "energy storage systems"),
            ("солнечные электростанции", "solar power plants"),
            ("зарядные станции для электромобилей", "electric vehicle charging stations"),
            ("интеллектуальные счетчики", "smart meters"),
            ("водородные топливные элементы", "hydrogen fuel cells"),
            ("систему управления умной электросетью", "a smart grid management system"),
        ],
        "tech": [
            ("возобновляемая энергетика", "renewable energy"),
            ("аккумуляторы", "batteries"),
            ("водородная энергетика", "hydrogen energy"),
            ("умные сети", "smart grids"),
            ("энергосбережение", "energy saving"),
            ("электромобили", "electric vehicles"),
        ],
    },
    "transport": {
        "okved": [
            "29.10",
            "29.31",
            "30.30.6",
            "49.41",
            "52.29",
            "62.01",
            "30.20",
            "45.20.5",
            "52.21",
        ],
        "products": [
            ("беспилотные летательные аппараты", "unmanned aerial vehicles"),
            ("систему управления городским транспортом", "an urban transport management system"),
            ("беспилотные автомобили", "self-driving cars"),
            ("электробусы", "electric buses"),
            ("сервис каршеринга", "a car-sharing service"),
            ("платформу для логистики последней мили", "a last-mile logistics platform"),
        ],
        "tech": [
            ("беспилотники", "drones"),
            ("беспилотный транспорт", "autonomous vehicles"),
            ("логистика", "logistics"),
            ("электротранспорт", "electric transport"),
            ("интеллектуальные транспортные системы", "intelligent transport systems"),
        ],
    },
    "fintech": {
        "okved": ["64.99", "66.19", "62.01", "64.19", "66.19.6", "64.92.7", "63.11"],
        "products": [
            ("платформу онлайн-кредитования", "an online lending platform"),
            ("платежный сервис", "a payment service"),
            (
                "систему скоринга на основе машинного обучения",
                "a machine learning credit scoring system",
            ),
            ("сервис противодействия мошенничеству", "an anti-fraud service"),
            ("платформу краудфинансирования", "a crowdfunding platform"),
        ],
        "tech": [
            ("финтех", "fintech"),
            ("платежи", "payments"),
            ("скоринг", "credit scoring"),
            ("цифровой рубль", "digital rouble"),
            ("открытые API", "open APIs"),
            ("регтех", "regtech"),
        ],
    },
}
AREA_CODES = list(AREAS)
AREA_WEIGHTS = [30, 14, 7, 12, 6, 5, 7, 7, 7, 5]

CUSTOMERS = [
    ("для промышленных предприятий", "for industrial companies"),
    ("для городского хозяйства", "for city services"),
    ("для медицинских организаций", "for healthcare providers"),
    ("для розничной торговли", "for retail"),
    ("для логистических компаний", "for logistics companies"),
    ("для банков", "for banks"),
    ("для строительных компаний", "for construction companies"),
    ("для энергетики", "for the energy sector"),
    ("для агробизнеса", "for agribusiness"),
    ("для образования", "for education"),
    ("для транспорта", "for transport"),
]

SURNAMES = [
    ("Иванов", "Иванова", "Ivanov", "Ivanova"), ("Смирнов", "Смирнова", "Smirnov", "Smirnova"),
    ("Кузнецов", "Кузнецова", "Kuznetsov", "Kuznetsova"), ("Попов", "Попова", "Popov", "Popova"),
    ("Соколов", "Соколова", "Sokolov", "Sokolova"), ("Лебедев", "Лебедева", "Lebedev", "Lebedeva"),
    ("Козлов", "Козлова", "Kozlov", "Kozlova"), ("Новиков", "Новикова", "Novikov", "Novikova"),
    ("Морозов", "Морозова", "Morozov", "Morozova"), ("Волков", "Волкова", "Volkov", "Volkova"),
    ("Зайцев", "Зайцева", "Zaitsev", "Zaitseva"), ("Павлов", "Павлова", "Pavlov", "Pavlova"),
    ("Семенов", "Семенова", "Semenov", "Semenova"), ("Голубев", "Голубева", "Golubev", "Golubeva"),
    ("Виноградов", "Виноградова", "Vinogradov", "Vinogradova"), ("Орлов", "Орлова", "Orlov", "Orlova"),
]  # fmt: skip
MALE_NAMES = [("Александр", "Alexander", "Александрович"), ("Дмитрий", "Dmitry", "Дмитриевич"),
              ("Сергей", "Sergey", "Сергеевич"), ("Андрей", "Andrey", "Андреевич"),
              ("Михаил", "Mikhail", "Михайлович"), ("Иван", "Ivan", "Иванович"), ("Артем", "Artem", "Артемович")]  # fmt: skip
FEMALE_NAMES = [("Анна", "Anna", "Александровна"), ("Мария", "Maria", "Дмитриевна"),
                ("Елена", "Elena", "Сергеевна"), ("Ольга", "Olga", "Андреевна"),
                ("Татьяна", "Tatiana", "Михайловна"), ("Наталья", "Natalia", "Ивановна")]  # fmt: skip

UNIVERSITY_TYPES = [
    ("технический", "Technical"), ("государственный", "State"), ("политехнический", "Polytechnic"),
    ("медицинский", "Medical"), ("аграрный", "Agrarian"), ("технологический", "Technological"),
    ("физико-технический", "Physics and Technology"), ("экономический", "Economics"),
]  # fmt: skip
INSTITUTE_FIELDS = [
    ("прикладной математики", "Applied Mathematics", "ict"),
    ("физики твердого тела", "Solid State Physics", "materials"),
    ("биоорганической химии", "Bioorganic Chemistry", "biotech"),
    ("проблем управления", "Control Sciences", "manufacturing"),
    ("нанотехнологий", "Nanotechnology", "materials"),
    ("молекулярной биологии", "Molecular Biology", "biotech"),
    ("энергетических проблем", "Energy Problems", "energy"),
    ("системного программирования", "System Programming", "ict"),
    ("проблем экологии", "Ecology Problems", "environment"),
    ("транспортных систем", "Transport Systems", "transport"),
    ("экспериментальной медицины", "Experimental Medicine", "medicine"),
]
CITY_BODY_FIELDS = [
    ("цифровых городских сервисов", "Digital City Services", "ict"),
    ("организации дорожного движения", "Traffic Management", "transport"),
    ("развития городской медицины", "Urban Healthcare Development", "medicine"),
    ("экологического мониторинга", "Environmental Monitoring", "environment"),
    ("энергосбережения", "Energy Saving", "energy"),
    ("городского строительства", "Urban Construction", "construction"),
]
STREETS = ["ул. Тверская", "Ленинский проспект", "ул. Новый Арбат", "Варшавское шоссе",
           "ул. Большая Семеновская", "Научный проезд", "ул. Профсоюзная", "Волгоградский проспект",
           "ул. Вавилова", "Огородный проезд", "ул. Шарикоподшипниковская", "Кутузовский проспект"]  # fmt: skip

KIND_WEIGHTS = [
    (OrganisationKind.COMPANY, 540), (OrganisationKind.STARTUP, 330), (OrganisationKind.CORPORATION, 20),
    (OrganisationKind.UNIVERSITY, 6), (OrganisationKind.RESEARCH_INSTITUTE, 12),
    (OrganisationKind.DEVELOPMENT_INSTITUTION, 4), (OrganisationKind.INVESTOR, 12),
    (OrganisationKind.CITY_BODY, 3), (OrganisationKind.OTHER, 8),
]  # fmt: skip

PENDING_REASONS = [
    "The applicant has not confirmed the e-mail address.",
    "Claim on an organisation that is already administered by another user.",
]
SUSPEND_REASONS = ["Отчетность не представлена в срок.", "По заявлению организации.",
                   "Выявлены недостоверные сведения в профиле."]  # fmt: skip
WITHDRAW_REASONS = ["Выход из кластера по заявлению организации.", "Организация ликвидирована.",
                    "Реорганизация в форме присоединения."]  # fmt: skip
