"""The texts and figures of the joint-projects demo (``programmes.demo``): the application
form, the criteria, the calls, the applications and their fates, the experts, the board, the
reviewers' comments and the Fund's reasons. Made up but plausible; in Russian, with English
where the models have English fields."""

FORM_FIELDS = [
    {"name": "summary", "type": "textarea", "required": True, "max_length": 3000,
     "label": {"ru": "Краткое описание проекта", "en": "Project summary"}},
    {"name": "novelty", "type": "textarea", "required": True, "max_length": 3000,
     "label": {"ru": "Научно-техническая новизна", "en": "Scientific and technical novelty"}},
    {"name": "trl", "type": "number", "required": True, "min": 1, "max": 9,
     "label": {"ru": "Уровень готовности технологии (TRL)", "en": "Technology readiness level (TRL)"}},
    {"name": "market", "type": "choice", "required": True,
     "label": {"ru": "Основной рынок", "en": "Main market"},
     "choices": [{"code": "b2b", "label": {"ru": "Бизнес", "en": "Business"}},
                 {"code": "b2g", "label": {"ru": "Государство и город", "en": "Government and city"}},
                 {"code": "b2c", "label": {"ru": "Граждане", "en": "Consumers"}}]},
    {"name": "ip_owned", "type": "boolean", "required": False,
     "label": {"ru": "Права на результаты принадлежат консорциуму",
               "en": "The consortium owns the rights to the results"}},
]  # fmt: skip

CRITERIA = [
    {"code": "novelty", "name_ru": "Новизна и технический уровень", "name_en": "Novelty and technical level",
     "weight": "3", "scale_min": 0, "scale_max": 10},
    {"code": "feasibility", "name_ru": "Реализуемость плана", "name_en": "Feasibility of the plan",
     "weight": "2", "scale_min": 0, "scale_max": 10},
    {"code": "team", "name_ru": "Компетенции консорциума", "name_en": "The consortium's competence",
     "weight": "2", "scale_min": 0, "scale_max": 10},
    {"code": "market", "name_ru": "Рыночный потенциал", "name_en": "Market potential",
     "weight": "2", "scale_min": 0, "scale_max": 10},
    {"code": "budget", "name_ru": "Обоснованность бюджета", "name_en": "Soundness of the budget",
     "weight": "1", "scale_min": 0, "scale_max": 10},
]  # fmt: skip

REQUIRED_DOCUMENTS = [
    {"code": "charter", "name_ru": "Устав ведущей организации", "name_en": "The lead's charter"},
    {"code": "financials", "name_ru": "Бухгалтерская отчетность за последний год",
     "name_en": "Financial statements for the last year"},
]  # fmt: skip

# Calls: code, phase, days from now (published, opens, deadline) as they end up, titles, areas,
# budget and maximum grant (mln RUB).
CALLS = {
    "closed_done": ("jp-digital-health", (-345, -330, -290),
                    "Совместные проекты в цифровом здравоохранении",
                    "Joint projects in digital health", ["ict", "medicine", "biotech"], 150, 30),
    "closed_review": ("jp-smart-city", (-90, -75, -30), "Технологии умного города",
                      "Smart city technologies", ["ict", "transport", "construction", "energy"], 120, 25),
    "open": ("jp-industry", (-20, -14, 30), "Индустрия 4.0: цифровое производство",
             "Industry 4.0: digital manufacturing", ["manufacturing", "ict", "materials"], 100, 20),
    "upcoming": ("jp-new-materials", (-3, 45, 105), "Новые материалы и аддитивные технологии",
                 "New materials and additive technologies", ["materials", "manufacturing"], 80, 15),
    "draft": ("jp-green-tech", (None, 120, 180), "Зеленые технологии для города",
              "Green technologies for the city", ["environment", "energy"], 90, 20),
}  # fmt: skip

# Applications: (call, fate, title, area, grant mln RUB, quality 0..1, the member's own?, full only)
APPLICATIONS = [
    ("closed_done", "completed", "Платформа телемедицинского мониторинга пациентов с хроническими заболеваниями", "medicine", 24, 0.92, True, False),
    ("closed_done", "completed", "Цифровой двойник операционного блока городской больницы", "ict", 18, 0.86, False, True),
    ("closed_done", "in_implementation", "Экспресс-тест для выявления сепсиса на микрофлюидном чипе", "biotech", 27, 0.84, False, False),
    ("closed_done", "agreement", "Система поддержки врачебных решений для рентгенологии", "ict", 15, 0.8, False, False),
    ("closed_done", "terminated", "Мобильная лаборатория генетического скрининга", "biotech", 21, 0.76, False, False),
    ("closed_done", "approved", "Платформа обезличенных медицинских данных для обучения моделей ИИ", "ict", 12, 0.72, False, False),
    ("closed_done", "waitlisted", "Носимый кардиомонитор с облачной аналитикой", "medicine", 19, 0.6, False, False),
    ("closed_done", "rejected", "Голосовой помощник записи к врачу", "ict", 8, 0.38, False, False),
    ("closed_done", "rejected", "Распознавание речи врача для заполнения медицинской карты", "ict", 13, 0.45, False, True),
    ("closed_done", "screening_rejected", "Реабилитационный экзоскелет для домашнего использования", "medicine", 29, 0.5, False, True),
    ("closed_review", "in_review", "Адаптивное управление светофорами на основе компьютерного зрения", "transport", 20, 0.7, False, False),
    ("closed_review", "in_review", "Умные остановки общественного транспорта", "ict", 9, 0.62, False, True),
    ("closed_review", "revision_requested", "Цифровая платформа мониторинга энергопотребления зданий", "energy", 14, 0.7, True, False),
    ("closed_review", "screening", "Беспроводные датчики состояния мостовых конструкций", "construction", 17, 0.7, False, False),
    ("closed_review", "board", "Прогнозирование пассажиропотока метро по данным валидаторов", "transport", 22, 0.78, False, False),
    ("closed_review", "screening", "Цифровой паспорт объектов капитального строительства", "construction", 12, 0.7, False, True),
    ("closed_review", "board", "Мониторинг качества воздуха на городских перекрестках", "transport", 10, 0.66, False, True),
    ("open", "submitted", "Роботизированная ячейка контроля качества сварных швов", "manufacturing", 16, 0.7, True, False),
    ("open", "submitted", "Аддитивное производство деталей из титановых сплавов", "materials", 19, 0.7, False, True),
    ("open", "submitted", "Цифровая платформа энергоменеджмента промышленного парка", "ict", 14, 0.7, False, True),
    ("open", "draft", "Предиктивное обслуживание станков с ЧПУ по данным вибродиагностики", "manufacturing", 11, 0.7, True, False),
]  # fmt: skip

SUMMARIES = {
    "medicine": ("Консорциум создает и выводит на рынок решение для городских клиник: {t}. "
                 "Пилотное внедрение пройдет в двух стационарах Москвы.", "Клинически значимая точность, "
                 "подтвержденная на отечественных данных; собственные алгоритмы обработки сигналов."),
    "biotech": ("Проект объединяет лабораторию университета и производственную компанию: {t}. "
                "Результат: зарегистрированное медицинское изделие.", "Отечественная технология "
                "вместо импортных реагентов; время анализа сокращается в четыре раза."),
    "ict": ("Консорциум разрабатывает программную платформу: {t}. Платформа разворачивается в "
            "отечественном облаке и включается в реестр российского ПО.", "Собственные модели "
            "машинного обучения, обученные на обезличенных данных партнеров."),
    "transport": ("Решение для городского транспорта: {t}. Испытания пройдут на городской "
                  "испытательной площадке.", "Компьютерное зрение и прогнозные модели в реальном времени."),
    "energy": ("Проект снижает энергопотребление городских зданий: {t}.", "Интеллектуальные "
               "счетчики и предиктивная аналитика потребления."),
    "construction": ("Цифровой мониторинг инфраструктуры: {t}.", "Энергонезависимые датчики и "
                     "модели остаточного ресурса конструкций."),
    "manufacturing": ("Цифровизация производства у членов кластера: {t}.", "Отечественные "
                      "промышленные контроллеры и алгоритмы анализа данных."),
    "materials": ("Новые материалы для промышленности: {t}.", "Собственная технология "
                  "порошковой металлургии и контроль качества."),
}  # fmt: skip

MILESTONES = [
    ("Разработка и лабораторные испытания прототипа",
     "Прототип, программа и протоколы лабораторных испытаний"),
    ("Пилотное внедрение у заказчика", "Акт пилотного внедрения, отчет об испытаниях"),
    ("Вывод продукта на рынок", "Сертификаты, первые договоры поставки, отчет о продажах"),
]  # fmt: skip

# Shares of the grant by cost category (the budget's lines, split over two years).
COSTS = [("salaries", "0.45"), ("equipment", "0.25"), ("materials", "0.1"), ("testing", "0.1"),
         ("subcontracts", "0.1")]  # fmt: skip

EXPERTS = [
    # (e-mail local part or None for the demo expert, full name, areas, keywords)
    (None, "", ["ict", "medicine", "transport"], ["машинное обучение", "телемедицина", "цифровой двойник"]),
    ("expert-pool-1", "Воронцова Анна Игоревна", ["ict", "fintech", "biotech"], ["большие данные", "облачные платформы"]),
    ("expert-pool-2", "Гусев Павел Андреевич", ["medicine", "biotech"], ["диагностика", "медицинские изделия"]),
    ("expert-pool-3", "Лебедева Ольга Николаевна", ["transport", "construction", "ict", "energy"], ["компьютерное зрение", "умный город"]),
    ("expert-pool-4", "Морозов Дмитрий Сергеевич", ["energy", "environment", "construction"], ["энергоэффективность", "датчики"]),
    ("expert-pool-5", "Соколова Екатерина Павловна", ["biotech", "medicine", "materials"], ["микрофлюидика", "генетика"]),
    ("expert-pool-6", "Федоров Игорь Владимирович", ["manufacturing", "materials", "energy", "transport", "construction"], ["робототехника", "аддитивные технологии"]),
]  # fmt: skip

BOARD = [("board-2", "Кузнецов Алексей Михайлович"), ("board-3", "Павлова Наталья Юрьевна")]

COMMENTS = {
    "high": ["Сильная сторона заявки; подход обоснован и подтвержден результатами.",
             "Команда имеет релевантный опыт и действующих заказчиков."],
    "mid": ["Уровень достаточный, но требуются уточнения по плану работ.",
            "Риски указаны, меры по их снижению описаны частично."],
    "low": ["Обоснование слабое; нет подтверждения спроса.",
            "Смета завышена относительно объема работ."],
}  # fmt: skip

REASONS = {
    "revision": "Не приложена бухгалтерская отчетность партнера за последний год; смета на "
                "оборудование не подтверждена коммерческими предложениями. Доработайте и подайте снова.",
    "screening_reject": "Ведущая организация не подтвердила наличие собственного софинансирования: "
                        "заявка не соответствует формальным требованиям отбора.",
    "board_reject": "Низкая оценка экспертов (ниже проходного балла): рыночный потенциал не "
                    "подтвержден, аналогичные решения уже доступны у городских заказчиков.",
    "waitlist": "Проект рекомендован к поддержке во вторую очередь: средства отбора распределены "
                "между проектами с более высокой оценкой; будет профинансирован при их высвобождении.",
    "terminate": "Консорциум не представил отчет по первому этапу в установленный срок и "
                 "сообщил о выходе ключевого партнера из проекта; соглашение расторгнуто.",
}  # fmt: skip
