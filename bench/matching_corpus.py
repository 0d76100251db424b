"""A synthetic open-innovation exchange with known relevance, for measuring the matcher.

Nothing here asks the matcher anything: relevance follows from how the corpus is built.

Topics. About sixty topics (``TOPICS``) across the ten priority areas (ict, manufacturing,
materials, medicine, biotech, environment, construction, energy, transport, fintech), each with a
bilingual vocabulary written out below (``VOCABULARY``): concepts with their Russian word forms
(several inflections of each, "беспилотник беспилотника беспилотники беспилотников"), their
English words, and Latin technical terms both languages share (LiDAR, IoT, BIM, SLAM, PCR,
CRISPR, API ...). Every area has shared words its topics all use (that is what makes topics of
one area hard to tell apart), and some topics of different areas share words or Latin terms
(LiDAR in drones, driverless cars and construction sites; PCR in laboratory diagnostics and
sequencing; BMS in batteries and smart buildings). Every document also carries generic business
filler ("разработка", "решение", "платформа", "система", "development", "solution", ...) and
noise words.

Items. Organisations (kinds company, startup, corporation, university, research_institute),
products and technology offers. Each belongs to one primary topic and a quarter of them also to
a weaker secondary topic (a few of its words). Written in Russian (~65 %), English (~20 %) or both
(~15 %), from topic words in random inflections, filler and noise; some items are vague (few
topic words), some rich. Structured fields: areas (the topic's area, the secondary topic's area
or now and then one more; blank on 15 % of items, as owners leave them), TRL 1..9 (products and offers always; organisations mostly none),
region (mostly Moscow, ISO code "RU-MOW" as the registry stores it; some others), OKVED codes of
the topic's or area's, the owner's organisation kind, active_at (most within a year, some stale),
owner ids (an organisation owns itself; products and offers belong to an organisation of their
topic when there is one). Topic sizes vary (a log-normal spread), as real catalogues do.

Queries are challenges, at least 250, each from one topic: a title, a summary and details written
with *different* word forms than the items use (each Russian concept keeps one form, chosen per
seed, that items never use; queries use it most of the time) and their own choice of the topic's
words; about a third are in English looking for mostly Russian-written items, which they can
reach through the shared Latin terms and the bilingual items. Each query asks for areas (the
topic's), ``trl_min`` (4..7 in four of five queries, none otherwise) and region "RU-MOW".

Judgements (graded, from the construction only):

* 2: the item's primary topic is the query's topic AND (the query has no ``trl_min``, or the
  item's TRL >= ``trl_min``, or the item has no TRL and is an organisation);
* 1: the item's primary topic is the query's topic but its TRL is below ``trl_min``, or the
  item's secondary topic is the query's topic;
* 0: everything else (left out of ``Query.judgements``).

Every query has at least one grade-2 item: each topic gets an organisation without a TRL first.

Output: ``generate(items, queries, seed)`` returns a ``Corpus`` of ``Item`` (an ``IndexRow`` of
``innocluster.matching.engine`` with ``terms = " ".join(analyse(text))``, plus the raw text for
the baselines) and ``Query`` (text, the ``MatchQuery`` fields, judgements object_id -> grade).
``scale_rows(n, seed)`` makes the raw material of n organisations and products fast, for the
speed measurements (texts composed from per-topic fragments; analysing them is the caller's).
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

AREAS = ("ict", "manufacturing", "materials", "medicine", "biotech", "environment",
         "construction", "energy", "transport", "fintech")  # fmt: skip
KINDS = ("organisation", "product", "technology")
MOSCOW = "RU-MOW"
OTHER_REGIONS = ("RU-MOS", "RU-SPE", "RU-TA", "RU-NVS", "RU-SVE", "RU-NIZ", "RU-KDA")
# A fixed "now" keeps a seed's corpus identical from day to day; the bench passes the real one.
REFERENCE_NOW = datetime(2026, 11, 1, tzinfo=UTC)

# The vocabulary. "# area | OKVED codes" opens an area and lists the words its topics share;
# "## code | Russian name | English name | OKVED codes | Latin terms" opens a topic. A concept is
# "Russian forms | English words"; "_" joins the words of one phrase.
VOCABULARY = """
# ict | 62.01 62.02 62.09 63.11
данные данных данными данным | data
нейросеть нейросети нейросетей нейросетями нейросетевой нейросетевых | neural_network neural_networks neural
алгоритм алгоритма алгоритмы алгоритмов алгоритмами | algorithm algorithms
облачный облачного облачных облачные облачной | cloud clouds
программный программного программных программное | software
искусственный_интеллект искусственного_интеллекта искусственным_интеллектом | artificial_intelligence
## ict.vision | компьютерное зрение | computer vision | 62.01 72.19 | OpenCV CNN YOLO
зрение зрения зрением зрению | vision
камера камеры камер камерами камеру | camera cameras
распознавание распознавания распознаванию распознаванием | recognition recognising
изображение изображения изображений изображениями | image images
видеоаналитика видеоаналитики видеоаналитику видеоаналитикой | video_analytics
детекция детекции детекцию детектирование | detection detecting
разметка разметки разметку разметкой | labelling annotation
видеопоток видеопотока видеопотоков видеопотоками | video_stream video_streams
## ict.language | обработка естественного языка | natural language processing | 62.01 63.11 | NLP LLM GPT
текст текста текстов текстами текстовый | text texts textual
язык языка языков языковой языковых | language languages
чат_бот чат_бота чат_ботов чат_ботами | chatbot chatbots
речь речи речевой речевых | speech spoken
диалог диалога диалогов диалоговый диалоговых | dialogue dialogues
перевод перевода переводов переводу | translation translating
классификация классификации классификацию классификатор | classification classifier
документ документа документов документами | document documents
## ict.security | кибербезопасность | cybersecurity | 62.02 62.09 | SIEM SOC DDoS
кибербезопасность кибербезопасности кибербезопасностью | cybersecurity
угроза угрозы угроз угрозами | threat threats
атака атаки атак атаками | attack attacks
уязвимость уязвимости уязвимостей уязвимостями | vulnerability vulnerabilities
шифрование шифрования шифрованию шифрованием | encryption encrypting
инцидент инцидента инцидентов инцидентами | incident incidents
вредоносный вредоносного вредоносных вредоносное | malicious malware
защита защиты защиту защитой | protection protecting
## ict.iot | интернет вещей | internet of things | 26.51 62.01 | IoT LoRaWAN MQTT
датчик датчика датчиков датчиками | sensor sensors
устройство устройства устройств устройствами | device devices
телеметрия телеметрии телеметрию телеметрией | telemetry
шлюз шлюза шлюзов шлюзами | gateway gateways
протокол протокола протоколов протоколами | protocol protocols
беспроводной беспроводного беспроводных беспроводные | wireless
подключение подключения подключений подключенных | connectivity connected
## ict.enterprise | корпоративные системы | enterprise software | 62.01 62.09 | ERP CRM API
учет учета учету учетной | accounting
документооборот документооборота документооборотом документообороту | document_workflow
автоматизация автоматизации автоматизацию автоматизированных | automation automating
бизнес_процесс бизнес_процесса бизнес_процессов бизнес_процессами | business_process business_processes
отчетность отчетности отчетностью | reporting reports
предприятие предприятия предприятий предприятиями | enterprise enterprises
склад склада складов складской складского | warehouse warehouses
## ict.quantum | квантовые технологии | quantum technologies | 72.19 62.01 | QKD qubit
квантовый квантового квантовых квантовые квантовой | quantum
кубит кубита кубитов кубитами | qubits
вычисление вычисления вычислений вычислительный вычислительных | computing computation computational
криптография криптографии криптографический криптографических | cryptography cryptographic
оптимизация оптимизации оптимизацию оптимизационных | optimisation optimization
симулятор симулятора симуляторов симулятором | simulator simulators
фотонный фотонного фотонных фотонные | photonic photonics
## ict.data | большие данные | big data | 63.11 62.09 | SQL Hadoop BI
хранилище хранилища хранилищ хранилищами | storage warehouse_storage
аналитика аналитики аналитику аналитикой аналитический аналитических | analytics analytical
дашборд дашборда дашбордов дашбордами | dashboard dashboards
визуализация визуализации визуализацию визуализацией | visualisation visualization
прогнозирование прогнозирования прогнозированию прогноз прогнозов | forecasting forecast forecasts
витрина витрины витрин | data_mart
# manufacturing | 28.99 25.62 33.12
оборудование оборудования оборудованием оборудованию | equipment
производство производства производству производством | manufacturing production
деталь детали деталей деталями | part parts component components
промышленный промышленного промышленных промышленные промышленной | industrial
завод завода заводов заводах | plant factory factories
линия линии линий линиями | line lines
## manufacturing.robots | промышленная робототехника | industrial robotics | 28.99 28.41 | ROS cobot
робот робота роботов роботами роботы | robot robots
манипулятор манипулятора манипуляторов манипуляторами | manipulator manipulators arm
захват захвата захватов захватом | gripper grippers
роботизированный роботизированного роботизированных роботизированная | robotic robotised
сборка сборки сборку сборочный сборочных | assembly assembling
паллетирование паллетирования паллетизации | palletising
сварка сварки сварочный сварочных | welding
## manufacturing.additive | аддитивные технологии | additive manufacturing | 25.62 28.99 | SLM FDM 3D
печать печати печатью печатных | printing printed
принтер принтера принтеров принтерами | printer printers
аддитивный аддитивного аддитивных аддитивные | additive
порошок порошка порошков порошковый | powder powders
слой слоя слоев послойный | layer layers
прототип прототипа прототипов прототипирование | prototype prototyping
## manufacturing.machining | станки с ЧПУ | CNC machining | 25.62 28.41 | CNC CAM
станок станка станков станками станочный | machine_tool machine_tools
обработка обработки обработку обработкой | machining processing
фрезерование фрезерования фрезерный фрезерных | milling
металлообработка металлообработки металлообработку | metalworking
инструмент инструмента инструментов инструментом | tool tools tooling
точность точности точностью | precision accuracy
токарный токарного токарных токарные | turning lathe
## manufacturing.maintenance | предиктивное обслуживание | predictive maintenance | 33.12 28.99 | SCADA PdM
обслуживание обслуживания обслуживанию техобслуживание | maintenance servicing
отказ отказа отказов отказами | failure failures breakdown
вибрация вибрации вибраций вибродиагностика | vibration vibrations
ремонт ремонта ремонтов ремонтный | repair repairs
износ износа износу изношенных | wear
диагностика диагностики диагностику диагностический | diagnostics diagnostic
простой простоя простоев простоями | downtime
## manufacturing.inspection | контроль качества продукции | quality inspection | 71.20 26.51 | NDT SPC
контроль контроля контролю контролем | inspection control
дефект дефекта дефектов дефектами дефектоскопия | defect defects
брак брака браком бракованных | scrap rejects
измерение измерения измерений измерительный измерительных | measurement measuring
ультразвуковой ультразвукового ультразвуковых ультразвук | ultrasonic ultrasound
неразрушающий неразрушающего неразрушающих | non_destructive
## manufacturing.twin | цифровой двойник производства | digital twin of production | 62.01 28.99 | MES PLM CAD
двойник двойника двойников двойником | twin twins
моделирование моделирования моделированию моделью модели | modelling simulation_model
симуляция симуляции симуляций симуляцию | simulation simulations
цех цеха цехов цехах | workshop shop_floor
производственный производственного производственных производственные | production_process
планирование планирования планированию | planning scheduling
# materials | 20.16 24.45 72.19
материал материала материалов материалами | material materials
свойство свойства свойств свойствами | property properties
синтез синтеза синтезом синтезу | synthesis
прочность прочности прочностью прочностные | strength
структура структуры структур структурой | structure structures
лабораторный лабораторного лабораторных лабораторные | laboratory lab
## materials.composites | композиционные материалы | composite materials | 20.16 22.29 | CFRP
композит композита композитов композитный композитных | composite composites
углепластик углепластика углепластиков углепластиковых | carbon_fibre
волокно волокна волокон волокнами | fibre fibres fiber
армирование армирования армированный армированных | reinforcement reinforced
связующее связующего связующих | binder resin
препрег препрега препрегов | prepreg prepregs
## materials.nano | наноматериалы и графен | nanomaterials and graphene | 20.13 72.19 | CNT
графен графена графеном графеновый графеновых | graphene
наночастица наночастицы наночастиц наночастицами | nanoparticle nanoparticles
нанотрубка нанотрубки нанотрубок нанотрубками | nanotube nanotubes
углеродный углеродного углеродных углеродные | carbon
наноматериал наноматериала наноматериалов | nanomaterial nanomaterials
дисперсия дисперсии дисперсий | dispersion
## materials.polymers | полимеры и пластики | polymers and plastics | 20.16 22.21 | PLA PET
полимер полимера полимеров полимерный полимерных | polymer polymers polymeric
пластик пластика пластиков пластиковый | plastic plastics
гранула гранулы гранул гранулами | pellet pellets granules
биоразлагаемый биоразлагаемого биоразлагаемых биоразлагаемые | biodegradable
упаковка упаковки упаковку упаковочный упаковочных | packaging
экструзия экструзии экструзионный экструзионных | extrusion
## materials.coatings | защитные покрытия | protective coatings | 25.61 20.30 | PVD CVD
покрытие покрытия покрытий покрытиями | coating coatings
коррозия коррозии коррозионный антикоррозийный антикоррозийных | corrosion anticorrosive
напыление напыления напылению напылением | spraying deposition
износостойкость износостойкости износостойкий износостойких | wear_resistance
поверхность поверхности поверхностей поверхностный | surface surfaces
адгезия адгезии адгезию | adhesion
## materials.alloys | сплавы и металлы | alloys and metals | 24.45 24.10 | HIP
сплав сплава сплавов сплавами | alloy alloys
титан титана титановый титановых | titanium
жаропрочный жаропрочного жаропрочных жаропрочные | heat_resistant superalloy
литье литья литьем литейный литейных | casting foundry
металлургия металлургии металлургический металлургических | metallurgy metallurgical
слиток слитка слитков | ingot ingots
## materials.membranes | мембраны и сорбенты | membranes and sorbents | 20.59 72.19 | MOF
мембрана мембраны мембран мембранами мембранный | membrane membranes
пористый пористого пористых пористые | porous
сорбент сорбента сорбентов сорбционный | sorbent sorbents
фильтрация фильтрации фильтрацию фильтрационных | filtration
селективность селективности селективный | selectivity selective
# medicine | 86.10 86.90 32.50
пациент пациента пациентов пациентами пациентам | patient patients
клиника клиники клиник клиниками клинический | clinic clinics clinical
медицинский медицинского медицинских медицинские медицинской | medical
лечение лечения лечению лечением | treatment
врач врача врачей врачами | doctor doctors physician
здоровье здоровья здоровьем | health
## medicine.telemedicine | телемедицина | telemedicine | 86.90 62.01 | FHIR HL7
телемедицина телемедицины телемедицинский телемедицинских | telemedicine
консультация консультации консультаций консультациями | consultation consultations
дистанционный дистанционного дистанционных дистанционные | remote
запись записи записей | appointment appointments
медкарта медкарты медкарт электронной_медкарты | medical_record health_records
приложение приложения приложений приложением | app application
## medicine.imaging | анализ медицинских изображений | medical imaging AI | 86.10 62.01 | DICOM CT MRI
снимок снимка снимков снимками | scan scans
рентген рентгена рентгеновский рентгеновских | x_ray radiograph
томография томографии томограф томографов | tomography scanner
радиолог радиолога радиологов радиология | radiologist radiology
патология патологии патологий патологиями | pathology pathologies
скрининг скрининга скринингу | screening
## medicine.cardio | носимые кардиоустройства | wearable cardiac devices | 26.60 32.50 | ECG
сердце сердца сердечный сердечно сердечных | heart cardiac
кардиограмма кардиограммы кардиограмм кардиография | cardiogram electrocardiogram
пульс пульса пульсом пульсовой | pulse heart_rate
носимый носимого носимых носимые | wearable wearables
браслет браслета браслетов браслетом | wristband bracelet
аритмия аритмии аритмий | arrhythmia arrhythmias
## medicine.surgery | хирургические технологии | surgical technologies | 32.50 26.60 | laparoscopic
хирургия хирургии хирургический хирургических | surgery surgical
операция операции операций операционный операционной | operation operating_room
эндоскоп эндоскопа эндоскопов эндоскопический | endoscope endoscopic
имплант импланта имплантов имплантами | implant implants
стерилизация стерилизации стерильный стерильных | sterilisation sterile
навигационный навигационного навигационных | navigation_guided
## medicine.rehab | реабилитация | rehabilitation | 86.90 32.50 | EMG
реабилитация реабилитации реабилитационный реабилитационных | rehabilitation
экзоскелет экзоскелета экзоскелетов экзоскелетом | exoskeleton exoskeletons
протез протеза протезов протезирование | prosthesis prosthetics
восстановление восстановления восстановлению | recovery
инсульт инсульта инсультов постинсультный постинсультных | stroke
тренажер тренажера тренажеров тренажерами | trainer training_device
## medicine.lab | лабораторная диагностика | laboratory diagnostics | 86.90 21.20 | PCR ELISA
анализ анализа анализов анализами анализатор | test analysis analyser
пробирка пробирки пробирок | test_tube tubes
биомаркер биомаркера биомаркеров биомаркерами | biomarker biomarkers
экспресс_тест экспресс_теста экспресс_тестов | rapid_test rapid_tests
реагент реагента реагентов реагентами | reagent reagents
инфекция инфекции инфекций инфекционный | infection infections infectious
# biotech | 72.11 21.20 21.10
биологический биологического биологических биологические | biological
исследование исследования исследований исследованиями | research study studies
молекулярный молекулярного молекулярных молекулярные | molecular
клетка клетки клеток клетками клеточный клеточных | cell cells cellular
препарат препарата препаратов препаратами | drug drugs medicine_product
биотехнология биотехнологии биотехнологий биотехнологический | biotechnology biotech
## biotech.editing | редактирование генома | genome editing | 72.11 | CRISPR Cas9
геном генома геномов геномный геномных | genome genomic
редактирование редактирования редактированию | editing edit
ген гена генов генами генный | gene genes
мутация мутации мутаций мутациями | mutation mutations
наследственный наследственного наследственных | hereditary inherited
вектор вектора векторов векторный | vector vectors
## biotech.sequencing | секвенирование | sequencing | 72.11 86.90 | NGS PCR
секвенирование секвенирования секвенированию секвенатор | sequencing sequencer
ДНК | DNA
РНК | RNA
биоинформатика биоинформатики биоинформатический | bioinformatics
образец образца образцов образцами | sample samples
прочтение прочтения прочтений | read reads
## biotech.biopharma | биофармацевтика | biopharmaceuticals | 21.20 72.11 | GMP mAb
антитело антитела антител антителами | antibody antibodies
белок белка белков белковый рекомбинантный рекомбинантных | protein proteins recombinant
вакцина вакцины вакцин вакцинами | vaccine vaccines
биопрепарат биопрепарата биопрепаратов биоаналог биоаналогов | biologic biosimilar biosimilars
доклинический доклинического доклинических | preclinical
## biotech.agro | агробиотехнологии | agricultural biotechnology | 01.11 72.11 | MAS
растение растения растений растениями | plant_species crop_plants
семена семян семенной семенных | seed seeds
урожай урожая урожайность урожайности | yield harvest
сорт сорта сортов селекция селекции | variety breeding
удобрение удобрения удобрений биоудобрений | fertiliser fertilizers
фитопатоген фитопатогена фитопатогенов | plant_pathogen
## biotech.industrial | промышленная биотехнология | industrial biotechnology | 20.14 72.11 | GMO
фермент фермента ферментов ферментами | enzyme enzymes
ферментация ферментации ферментацию ферментационный | fermentation
биореактор биореактора биореакторов | bioreactor bioreactors
штамм штамма штаммов штаммами | strain strains
микроорганизм микроорганизма микроорганизмов микробный микробных | microorganism microorganisms microbial
биосинтез биосинтеза биосинтезом | biosynthesis
## biotech.celltherapy | клеточная терапия | cell therapy | 72.11 86.90 | iPSC CAR
терапия терапии терапию терапевтический | therapy therapeutic
стволовой стволовые стволовых | stem_cell stem
культура культуры культивирование культивирования | culture culturing
тканевой тканевого тканевых тканевая | tissue tissues
лимфоцит лимфоцита лимфоцитов | lymphocyte lymphocytes
регенеративный регенеративной регенеративных | regenerative
# environment | 38.32 37.00 71.12
экологический экологического экологических экологические экология | environmental ecology
окружающая_среда окружающей_среды окружающую_среду | environment
загрязнение загрязнения загрязнений загрязняющих | pollution pollutants
природный природного природных природные | natural
мониторинг мониторинга мониторингу мониторингом | monitoring
выброс выброса выбросов выбросами | emission emissions
## environment.waste | переработка отходов | waste recycling | 38.32 38.11 | RDF
отходы отходов отходами отходам | waste
переработка переработки переработку переработкой | recycling processing_waste
сортировка сортировки сортировку сортировочный | sorting
мусор мусора мусором мусоросортировочный | garbage refuse
вторсырье вторсырья вторичного_сырья | recyclables secondary_raw
полигон полигона полигонов | landfill landfills
## environment.water | очистка воды | water treatment | 37.00 36.00 | UV
вода воды воду водой водный водных | water
очистка очистки очистку очистные очистных | treatment purification
сточные сточных | wastewater sewage
водоочистка водоочистки водоподготовка водоподготовки | water_purification
фильтр фильтра фильтров фильтрами | filter filters
обеззараживание обеззараживания | disinfection
## environment.air | мониторинг воздуха | air quality monitoring | 71.12 26.51 | PM10
воздух воздуха воздухом воздушный | air
газоанализатор газоанализатора газоанализаторов | gas_analyser gas_analysers
пыль пыли пылевой пылевых | dust particulate
концентрация концентрации концентраций | concentration concentrations
атмосферный атмосферного атмосферных атмосферные | atmospheric
станция_наблюдения станции_наблюдения станций_наблюдения | monitoring_station
## environment.carbon | углеродный след и ESG | carbon footprint and ESG | 71.12 70.22 | ESG CCUS
углерод углерода углеродом | carbon_emission
парниковый парниковых парниковые | greenhouse
след следа следу | footprint
климат климата климатический климатических | climate
декарбонизация декарбонизации декарбонизацию | decarbonisation
отчетность_устойчивого_развития отчетности_устойчивого_развития | sustainability_reporting
## environment.soil | рекультивация почв | soil remediation | 39.00 71.12 | TPH
почва почвы почв почвами почвенный | soil soils
рекультивация рекультивации рекультивацию | reclamation
нефтезагрязнение нефтезагрязнения нефтезагрязненных нефтепродуктов | oil_contamination oil_spill
биоремедиация биоремедиации биоремедиацию | bioremediation
деструктор деструктора деструкторов | degrader degraders
грунт грунта грунтов | ground
## environment.remote | дистанционный мониторинг природы | remote sensing of nature | 71.12 63.11 | GIS NDVI
лес леса лесов лесной лесных | forest forests forestry
спутник спутника спутников спутниковый спутниковых | satellite satellites
съемка съемки съемку съемкой | imagery survey
пожар пожара пожаров пожарами | wildfire fires
зондирование зондирования зондированию | sensing
карта карты карт картографирование | map maps mapping
# construction | 41.20 42.11 71.11
строительство строительства строительству строительный строительных | construction building_industry
здание здания зданий зданиями | building buildings
объект объекта объектов объектами | site facility
конструкция конструкции конструкций конструкциями | structure_element structural
девелопер девелопера девелоперов девелоперский | developer developers
проектный проектного проектных проектные | design_stage
## construction.bim | информационное моделирование зданий | building information modelling | 71.11 62.01 | BIM CAD IFC
информационная_модель информационной_модели информационных_моделей | information_model
проектирование проектирования проектированию проектировщик проектировщиков | design designing
чертеж чертежа чертежей чертежами | drawing drawings
коллизия коллизии коллизий | clash clashes
смета сметы смет сметный | estimate cost_estimate
## construction.concrete | бетон и строительные смеси | concrete and building mixes | 23.63 23.64 | UHPC
бетон бетона бетонов бетонный бетонных | concrete
цемент цемента цементный цементных | cement
смесь смеси смесей смесями | mix mixes mortar
добавка добавки добавок добавками | admixture admixtures
арматура арматуры арматурный | rebar
твердение твердения твердению | curing hardening
## construction.smart | умные здания | smart buildings | 43.21 62.01 | BMS KNX
умный умного умных умные | smart
освещение освещения освещением | lighting
отопление отопления отоплением | heating
вентиляция вентиляции вентиляцией | ventilation HVAC
диспетчеризация диспетчеризации диспетчерский диспетчерской | dispatching building_control
квартира квартиры квартир | apartment apartments
## construction.modular | модульное домостроение | modular construction | 41.20 16.23 | CLT
модульный модульного модульных модульные | modular
каркас каркаса каркасный каркасных | frame framing
сборный сборного сборных сборные | prefabricated precast
панель панели панелей панелями | panel panels
домостроение домостроения домостроительный | housebuilding
## construction.site | управление стройкой | construction site management | 41.20 71.12 | LiDAR
стройка стройки строек стройкой | construction_site
площадка площадки площадок площадкой | site_area
подрядчик подрядчика подрядчиков подрядчиками | contractor contractors
исполнительная_документация исполнительной_документации | as_built_documentation
прораб прораба прорабов | foreman
график графика графиков | schedule schedules
## construction.roads | дороги и мосты | roads and bridges | 42.11 42.13 | GPR
дорога дороги дорог дорогами дорожный дорожных | road roads
асфальт асфальта асфальтовый асфальтобетон | asphalt
мост моста мостов мостами мостовой | bridge bridges
тоннель тоннеля тоннелей | tunnel tunnels
трещина трещины трещин трещинами | crack cracks
# energy | 35.11 35.12 27.12
энергия энергии энергию энергией | energy
электроэнергия электроэнергии электроэнергию | electricity power
мощность мощности мощностью | capacity power_output
энергетический энергетического энергетических энергетика энергетики | energy_sector
станция станции станций станциями | station stations
генерация генерации генерацию генерирующих | generation
## energy.storage | накопители энергии | energy storage | 27.20 27.12 | Li-ion BMS
аккумулятор аккумулятора аккумуляторов аккумуляторный аккумуляторных | battery batteries
накопитель накопителя накопителей накопителями | storage_system accumulator
литий лития литиевый литий_ионных | lithium
ячейка ячейки ячеек ячейками | cell_battery cells_battery
зарядка зарядки зарядку зарядный | charging charge
электролит электролита электролитов | electrolyte electrolytes
## energy.solar | солнечная энергетика | solar power | 35.11 27.90 | PV
солнечный солнечного солнечных солнечные солнечной | solar
фотоэлектрический фотоэлектрического фотоэлектрических | photovoltaic
инвертор инвертора инверторов инвертором | inverter inverters
модуль модуля модулей модулями | module modules
инсоляция инсоляции | irradiance insolation
## energy.hydrogen | водородная энергетика | hydrogen energy | 20.11 27.90 | PEM
водород водорода водородом водородный водородных | hydrogen
электролизер электролизера электролизеров | electrolyser electrolysers
топливный_элемент топливного_элемента топливных_элементов | fuel_cell fuel_cells
хранение хранения хранению | storing storage_tanks
катализатор катализатора катализаторов | catalyst catalysts
## energy.grid | интеллектуальные электросети | smart grids | 35.12 35.13 | SCADA AMI
электросеть электросети электросетей сетевой сетевых | grid grids
подстанция подстанции подстанций | substation substations
электросчетчик электросчетчика электросчетчиков | smart_meter meters
потребление потребления потреблению | consumption
нагрузка нагрузки нагрузку нагрузкой | load
диспетчер диспетчера диспетчерский диспетчерской | dispatcher control_room
## energy.heat | теплоэнергетика и энергоэффективность | heat supply and energy efficiency | 35.30 43.22 | ESCO
тепло тепла теплом тепловой тепловых | heat thermal
теплоснабжение теплоснабжения теплоснабжению | heat_supply district_heating
энергоэффективность энергоэффективности энергоэффективный энергоэффективных | energy_efficiency
теплообменник теплообменника теплообменников | heat_exchanger
котел котла котлов котельная котельных | boiler boilers
утечка утечки утечек | leak leaks
## energy.wind | ветроэнергетика | wind power | 35.11 28.11 | LCOE
ветер ветра ветровой ветровых | wind
ветрогенератор ветрогенератора ветрогенераторов ветроустановка ветроустановок | wind_turbine wind_turbines
турбина турбины турбин турбинами | turbine turbines
лопасть лопасти лопастей лопастями | blade blades
гондола гондолы гондол | nacelle
# transport | 49.31 52.21 52.29
транспорт транспорта транспортом транспортный транспортных | transport transportation
перевозка перевозки перевозок перевозками | carriage haulage
пассажир пассажира пассажиров пассажирский пассажирских | passenger passengers
городской городского городских городские | urban city
навигация навигации навигационный навигационных | navigation
маршрут маршрута маршрутов маршрутами | route routes routing
## transport.drones | беспилотные летательные аппараты | unmanned aerial vehicles | 30.30 51.10 | LiDAR SLAM UAV
беспилотник беспилотника беспилотники беспилотников беспилотниками | drone drones
БПЛА | UAVs
аэросъемка аэросъемки аэросъемку аэрофотосъемка | aerial_survey aerial_photography
полет полета полетов полетное | flight flights
дрон дрона дронов дронами | multicopter quadcopter
летательный летательного летательных | aerial aircraft
## transport.autonomous | беспилотные автомобили | autonomous vehicles | 29.10 62.01 | LiDAR SLAM ADAS
автономный автономного автономных автономные | autonomous
автомобиль автомобиля автомобилей автомобилями | car cars vehicle vehicles
беспилотный беспилотного беспилотных беспилотные беспилотная | driverless unmanned self_driving
вождение вождения вождению | driving
радар радара радаров | radar radars
## transport.logistics | логистика и доставка | logistics and delivery | 52.29 49.41 | WMS TMS
логистика логистики логистический логистических | logistics logistic
доставка доставки доставку доставкой | delivery deliveries
груз груза грузов грузовой грузовых | cargo freight
курьер курьера курьеров курьерский | courier couriers
экспедирование экспедирования | forwarding
последняя_миля последней_мили | last_mile
## transport.ev | электротранспорт и зарядная инфраструктура | electric vehicles and charging | 29.10 35.14 | EV CCS
электромобиль электромобиля электромобилей электромобилями | electric_vehicle electric_car
электробус электробуса электробусов | electric_bus electric_buses
зарядная_станция зарядной_станции зарядных_станций | charging_station charging_stations
электрозаправка электрозаправки электрозаправок | charger chargers
тяговый тягового тяговых | traction
## transport.rail | железнодорожный транспорт | railway transport | 49.10 30.20 | ETCS
железнодорожный железнодорожного железнодорожных железная_дорога | railway rail
вагон вагона вагонов вагонами | railcar wagons carriage_cars
поезд поезда поездов поездами | train trains
рельс рельса рельсов рельсовый | track rails
метро метрополитен метрополитена | metro subway
депо | depot
## transport.traffic | управление дорожным движением | traffic management | 52.21 71.12 | ITS V2X
светофор светофора светофоров светофорный | traffic_light signals
трафик трафика трафиком | traffic
движение движения движением дорожного_движения | traffic_flow movement
пробка пробки пробок | congestion jams
перекресток перекрестка перекрестков | intersection intersections
парковка парковки парковок парковочный | parking
# fintech | 64.19 66.19 62.01
банк банка банков банками банковский банковских | bank banks banking
финансовый финансового финансовых финансовые | financial finance
транзакция транзакции транзакций транзакциями | transaction transactions
деньги денег денежный денежных | money monetary
счет счета счетов | account accounts
## fintech.payments | платежи | payments | 66.19 64.19 | QR NFC SBP
платеж платежа платежей платежами платежный платежных | payment payments
эквайринг эквайринга эквайрингу | acquiring merchant_acquiring
перевод_средств перевода_средств переводов_средств | funds_transfer transfers
касса кассы касс кассовый | checkout cash_register
кошелек кошелька кошельков | wallet wallets
## fintech.scoring | кредитный скоринг | credit scoring | 64.92 66.19 | ML
скоринг скоринга скоринговый скоринговых | scoring
кредит кредита кредитов кредитный кредитных | credit loan loans
заемщик заемщика заемщиков | borrower borrowers
риск риска рисков рисками | risk risks
просрочка просрочки просрочек | delinquency default
## fintech.blockchain | блокчейн | blockchain | 62.01 66.19 | DLT NFT
блокчейн блокчейна блокчейне блокчейном | blockchain
реестр реестра реестров распределенный распределенного распределенных | ledger distributed
токен токена токенов токенизация токенизации | token tokens tokenisation
смарт_контракт смарт_контракта смарт_контрактов | smart_contract smart_contracts
цифровой_актив цифрового_актива цифровых_активов | digital_asset digital_assets
## fintech.antifraud | противодействие мошенничеству | anti_fraud | 66.19 62.02 | AML KYC
мошенничество мошенничества мошенническая мошеннических антифрод антифрода | fraud antifraud
подозрительный подозрительного подозрительных подозрительные | suspicious
аномалия аномалии аномалий аномальных | anomaly anomalies
отмывание отмывания отмыванию | laundering money_laundering
идентификация идентификации идентификацию | identification verification
## fintech.insurtech | страховые технологии | insurance technology | 65.12 66.22 | insurtech
страхование страхования страхованию страховой страховых | insurance insurer
полис полиса полисов полисами | policy policies
убыток убытка убытков | claim claims loss
андеррайтинг андеррайтинга | underwriting
тариф тарифа тарифов тарификация | premium pricing_tariff
## fintech.invest | инвестиционные сервисы | investment services | 66.12 64.30 | ETF
инвестиция инвестиции инвестиций инвестиционный инвестиционных | investment investments
портфель портфеля портфелей портфелем | portfolio portfolios
брокер брокера брокеров брокерский брокерских | broker brokerage
акция акции акций акциями | share shares stock
биржа биржи бирж биржевой биржевых | exchange_market stock_exchange
робоэдвайзер робоэдвайзера | robo_advisor
"""

# Generic business words every document uses, and words of no topic at all.
FILLER = """
разработка разработки разработку разработкой разработке | development developing
решение решения решений решениями | solution solutions
платформа платформы платформу платформой платформе | platform platforms
система системы систем системами систему | system systems
технология технологии технологий технологиями | technology technologies
компания компании компаний компанией | company companies
внедрение внедрения внедрению внедрением | implementation deployment
проект проекта проектов проектами | project projects
услуга услуги услуг услугами | service services
инновационный инновационного инновационных инновационные | innovative innovation
эффективность эффективности эффективный эффективных | efficiency efficient
клиент клиента клиентов клиентами | customer customers client
рынок рынка рынке рынков | market markets
качество качества качеством | quality
партнер партнера партнеров партнерами | partner partners
интеграция интеграции интеграцию интеграцией | integration integrating
цифровой цифрового цифровых цифровые | digital
современный современного современных современные | modern
комплексный комплексного комплексных комплексные | comprehensive integrated
сервис сервиса сервисов сервисом | service_offering
опыт опыта опытом | experience
команда команды командой | team
"""
QUERY_FILLER = """
требуется требуются | required
ищем | looking_for we_seek
необходимо нужно | need needed
поставщик поставщика поставщиков | supplier suppliers vendor
пилотный пилотного пилотных пилот | pilot piloting
заказчик заказчика заказчиков | customer_side buyer
задача задачи задач | task challenge
условия условий | conditions terms
срок сроки сроков | deadline timeline
требование требования требований | requirement requirements
масштабирование масштабирования | scaling scale_up
"""
NOISE = """
офис офиса офисе | office
москва москвы москве | moscow
год года лет | year years
сотрудник сотрудника сотрудников | employee employees staff
лицензия лицензии лицензий | licence licenses
выставка выставки выставок | exhibition exhibitions
грант гранта грантов | grant grants
патент патента патентов | patent patents
сертификат сертификата сертификатов | certificate certified
регион региона регионов | region regions
филиал филиала филиалов | branch branches
поддержка поддержки поддержку | support
эксперт экспертов экспертиза | expert experts expertise
конференция конференции конференций | conference conferences
обучение обучения обучению | training education
экспорт экспорта экспортный | export exports
стандарт стандарта стандартов | standard standards
договор договора договоров | contract contracts
"""
SYLLABLES = ("нео", "тех", "лаб", "про", "сис", "ген", "вект", "ал", "мир", "кон", "трон",
             "инно", "би", "тера", "ква", "ром", "пол", "дат", "соф", "ника", "эко", "спек",
             "мед", "фин", "стрим", "гео", "окс", "фокс", "рус", "ита")  # fmt: skip
LATIN_SYLLABLES = ("neo", "tech", "lab", "pro", "sys", "gen", "vect", "al", "mir", "con", "tron",
                   "inno", "bi", "tera", "qua", "rom", "pol", "dat", "sof", "nika", "eco",
                   "spec", "med", "fin", "stream", "geo", "ox", "fox", "rus", "ita")  # fmt: skip
ORG_FORMS_RU = ("ООО", "АО", "ПАО", "ООО", "ООО")
ORG_FORMS_EN = ("LLC", "JSC", "PJSC", "LLC", "LLC")
UNIVERSITY_RU = ("Университет", "Институт", "НИИ", "Центр")
UNIVERSITY_EN = ("University", "Institute", "Research Institute", "Centre")
ORG_KINDS_BY_ITEM = {
    "organisation": (("company", 35), ("startup", 30), ("corporation", 10), ("university", 12),
                     ("research_institute", 13)),
    "product": (("company", 50), ("startup", 35), ("corporation", 15)),
    "technology": (("university", 45), ("research_institute", 40), ("startup", 15)),
}  # fmt: skip


@dataclass(frozen=True)
class Concept:
    ru: tuple[str, ...]
    en: tuple[str, ...]


@dataclass
class Topic:
    code: str
    area: str
    name_ru: str
    name_en: str
    okved: tuple[str, ...]
    latin: tuple[str, ...]
    concepts: tuple[Concept, ...]
    shared: tuple[Concept, ...]  # the area's shared words


def _concepts(lines: list[str]) -> tuple[Concept, ...]:
    result = []
    for line in lines:
        ru, en = (part.split() for part in line.split("|"))
        result.append(Concept(tuple(w.replace("_", " ") for w in ru),
                              tuple(w.replace("_", " ") for w in en)))  # fmt: skip
    return tuple(result)


def _parse(text: str) -> list[Topic]:
    topics: list[Topic] = []
    area = ""
    shared: list[str] = []
    current: dict | None = None

    def close():
        if current is not None:
            topics.append(Topic(**current, concepts=_concepts(current_lines),
                                shared=_concepts(shared)))  # fmt: skip

    current_lines: list[str] = []
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            close()
            code, name_ru, name_en, okved, latin = (p.strip() for p in line[3:].split("|"))
            current = {"code": code, "area": area, "name_ru": name_ru, "name_en": name_en,
                       "okved": tuple(okved.split()),
                       "latin": tuple(t.replace("_", " ") for t in latin.split())}  # fmt: skip
            current_lines = []
        elif line.startswith("# "):
            close()
            current = None
            area = line[2:].split("|")[0].strip()
            shared = []
        elif current is None:
            shared.append(line)
        else:
            current_lines.append(line)
    close()
    return topics


TOPICS: tuple[Topic, ...] = tuple(_parse(VOCABULARY))
AREA_OKVED = {
    line[2:].split("|")[0].strip(): tuple(line.split("|")[1].split())
    for line in VOCABULARY.splitlines()
    if line.startswith("# ")
}
_BY_AREA: dict[str, list[Topic]] = {}
for _topic in TOPICS:
    _BY_AREA.setdefault(_topic.area, []).append(_topic)
FILLER_CONCEPTS = _concepts(FILLER.strip().splitlines())
QUERY_FILLER_CONCEPTS = _concepts(QUERY_FILLER.strip().splitlines())
NOISE_CONCEPTS = _concepts(NOISE.strip().splitlines())


@dataclass
class Item:
    row: object  # innocluster.matching.engine.IndexRow
    text: str  # title and body, as written (the baselines index this)
    language: str  # "ru", "en" or "both"
    topic: str
    secondary: str | None


@dataclass
class Query:
    title: str
    text: str  # title, summary and details
    language: str  # "ru" or "en"
    topic: str
    fields: dict  # MatchQuery's keyword arguments besides text
    judgements: dict[str, int] = field(default_factory=dict)  # object_id -> 1 or 2

    def match_query(self, **overrides):
        from innocluster.matching.engine import MatchQuery

        return MatchQuery(text=self.text, **(self.fields | overrides))


@dataclass
class Corpus:
    seed: int
    items: list[Item]
    queries: list[Query]
    topics: tuple[Topic, ...] = TOPICS

    @property
    def rows(self) -> list:
        return [item.row for item in self.items]


def grade(item_topic: str, item_secondary: str | None, item_kind: str, item_trl: int | None,
          query_topic: str, trl_min: int | None) -> int:  # fmt: skip
    """The judgement rule of the module docstring."""
    if item_topic == query_topic:
        if trl_min is None or (item_trl is not None and item_trl >= trl_min):
            return 2
        if item_trl is None and item_kind == "organisation":
            return 2
        return 1
    if item_secondary == query_topic:
        return 1
    return 0


# --------------------------------------------------------------------------- rendering


class _Writer:
    """Word choice for one corpus: which Russian form of each concept only queries use."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.reserved: dict[tuple[str, ...], str] = {}
        concepts = [c for t in TOPICS for c in t.concepts + t.shared]
        concepts += FILLER_CONCEPTS
        for concept in concepts:
            if len(concept.ru) >= 3 and concept.ru not in self.reserved:
                self.reserved[concept.ru] = rng.choice(concept.ru)

    def ru(self, concept: Concept, for_query: bool = False) -> str:
        reserved = self.reserved.get(concept.ru)
        if for_query:
            if reserved is not None and self.rng.random() < 0.65:
                return reserved
            return self.rng.choice(concept.ru)
        if reserved is None:
            return self.rng.choice(concept.ru)
        while True:
            form = self.rng.choice(concept.ru)
            if form != reserved:
                return form

    def en(self, concept: Concept, for_query: bool = False) -> str:
        return self.rng.choice(concept.en)

    def pick(self, concepts: tuple[Concept, ...], n: int) -> list[Concept]:
        """n concepts, core ones (listed first) more often, repeats allowed."""
        weights = [1.0 / (i + 1) ** 0.6 for i in range(len(concepts))]
        return self.rng.choices(concepts, weights=weights, k=n)

    def words(self, concepts: list[Concept], language: str, for_query: bool = False) -> list[str]:
        render = self.ru if language == "ru" else self.en
        return [render(c, for_query) for c in concepts]

    def sentences(self, words: list[str]) -> str:
        """Words shuffled into sentences of 4..9 words."""
        self.rng.shuffle(words)
        out, i = [], 0
        while i < len(words):
            n = self.rng.randint(4, 9)
            chunk = words[i : i + n]
            i += n
            sentence = " ".join(chunk)
            if chunk[0].islower():  # "mAb", "iPSC" stay as they are
                sentence = sentence[:1].upper() + sentence[1:]
            out.append(sentence + ".")
        return " ".join(out)


def _name(rng: random.Random, language: str) -> str:
    n = rng.randint(2, 3)
    picks = [rng.randrange(len(SYLLABLES)) for _ in range(n)]
    if language == "en":
        return "".join(LATIN_SYLLABLES[p] for p in picks).capitalize()
    return "".join(SYLLABLES[p] for p in picks).capitalize()


def _org_title(rng: random.Random, org_kind: str, language: str, topic: Topic) -> str:
    name = _name(rng, language)
    if org_kind in ("university", "research_institute"):
        if language == "en":
            return f"{rng.choice(UNIVERSITY_EN)} of {topic.name_en} {name}"
        return f"{rng.choice(UNIVERSITY_RU)} {topic.name_ru} «{name}»"
    if language == "en":
        return f"{name} {rng.choice(ORG_FORMS_EN)}"
    return f"{rng.choice(ORG_FORMS_RU)} «{name}»"


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _language(rng: random.Random) -> str:
    x = rng.random()
    return "ru" if x < 0.65 else "en" if x < 0.85 else "both"


def _mentions(w: _Writer, topic: Topic) -> list[Concept]:
    """Words of other topics a text mentions in passing (an integration, a customer's field),
    which make no item or query belong to them: mostly the same area's topics."""
    rng = w.rng
    out: list[Concept] = []
    if rng.random() < 0.5:
        sibling = rng.choice([t for t in _BY_AREA[topic.area] if t is not topic])
        out += rng.sample(sibling.concepts, rng.randint(1, 3))
    if rng.random() < 0.2:
        out += rng.sample(rng.choice(TOPICS).concepts, 2)
    return out


def _item_text(w: _Writer, topic: Topic, secondary: Topic | None, language: str, kind: str,
               org_title: str | None) -> tuple[str, str]:  # fmt: skip
    """(title, full text) of an item; a bilingual item says the same in both languages."""
    rng = w.rng
    spread = rng.random()
    n_topic = rng.randint(2, 4) if spread < 0.3 else rng.randint(5, 8) if spread < 0.75 else rng.randint(9, 13)  # fmt: skip
    topic_words = w.pick(topic.concepts, n_topic)
    shared = w.pick(topic.shared, rng.randint(2, 4))
    filler = rng.choices(FILLER_CONCEPTS, k=rng.randint(4, 9))
    noise = rng.choices(NOISE_CONCEPTS, k=rng.randint(1, 4))
    extra = w.pick(secondary.concepts, rng.randint(2, 4)) if secondary else []
    extra += _mentions(w, topic)
    latin = [t for t in topic.latin if rng.random() < 0.4]
    if secondary:
        latin += [t for t in secondary.latin if rng.random() < 0.15]
    title_concepts = w.pick(topic.concepts, rng.randint(1, 3))
    languages = ("ru", "en") if language == "both" else (language,)
    titles, bodies = [], []
    for lang in languages:
        if org_title is not None:
            title = org_title
        else:
            title_words = w.words(title_concepts, lang)
            if latin and rng.random() < 0.5:
                title_words.append(latin[0])
            title = " ".join(title_words)
            title = title[:1].upper() + title[1:]
        body = w.words(topic_words + shared + filler + noise + extra, lang) + list(latin)
        titles.append(title)
        bodies.append(w.sentences(body))
    title = titles[0] if org_title is not None else " / ".join(titles)
    return title, title + ". " + " ".join(bodies)


# --------------------------------------------------------------------------- the corpus


def generate(items: int = 20_000, queries: int = 300, seed: int = 1, now: datetime | None = None) -> Corpus:  # fmt: skip
    """A corpus of ``items`` organisations, products and technology offers and ``queries``
    challenges, the same for the same arguments."""
    from innocluster.matching.engine import IndexRow
    from innocluster.matching.text import analyse

    now = now or REFERENCE_NOW
    rng = random.Random(seed)
    w = _Writer(rng)
    topic_weights = [math.exp(rng.gauss(0, 0.6)) for _ in TOPICS]

    specs = []  # (kind, topic, secondary)
    for topic in TOPICS:  # first an organisation without a TRL in every topic
        specs.append(("organisation", topic, None, True))
    while len(specs) < items:
        kind = _weighted(rng, (("organisation", 40), ("product", 40), ("technology", 20)))
        topic = rng.choices(TOPICS, weights=topic_weights, k=1)[0]
        secondary = None
        if rng.random() < 0.25:
            pool = _BY_AREA[topic.area] if rng.random() < 0.6 else TOPICS
            secondary = rng.choice([t for t in pool if t is not topic])
        specs.append((kind, topic, secondary, False))
    specs = specs[:items]

    orgs_by_topic: dict[str, list[tuple[str, str]]] = {}  # topic -> [(org id, org kind)]
    result: list[Item] = []
    for doc_id, (kind, topic, secondary, no_trl) in enumerate(specs, start=1):
        object_id = _uuid(rng)
        language = _language(rng)
        org_kind = _weighted(rng, ORG_KINDS_BY_ITEM[kind])
        if kind == "organisation":
            owner_id = object_id
            trl = None if no_trl or rng.random() < 0.7 else rng.randint(3, 9)
            title_lang = "en" if language == "en" else "ru"
            org_title = _org_title(rng, org_kind, title_lang, topic)
        else:
            owners = [o for o in orgs_by_topic.get(topic.code, ()) if o[1] == org_kind]
            owner_id = rng.choice(owners)[0] if owners and rng.random() < 0.8 else _uuid(rng)
            if kind == "product":
                trl = rng.choices(range(4, 10), weights=(1, 2, 3, 4, 4, 4), k=1)[0]
            else:
                trl = rng.choices(range(2, 8), weights=(2, 3, 4, 4, 3, 2), k=1)[0]
            org_title = None
        title, text = _item_text(w, topic, secondary, language, kind, org_title)
        areas = [topic.area]
        if secondary and secondary.area != topic.area:
            areas.append(secondary.area)
        elif rng.random() < 0.1:
            areas.append(rng.choice([a for a in AREAS if a != topic.area]))
        if rng.random() < 0.15:  # some owners leave the areas blank
            areas = []
        okved = [rng.choice(topic.okved)]
        if rng.random() < 0.5:
            okved.append(rng.choice(AREA_OKVED[topic.area]))
        region = MOSCOW if rng.random() < 0.78 else rng.choice(OTHER_REGIONS)
        stale = rng.random() < 0.2
        days = rng.randint(366, 5 * 365) if stale else rng.randint(0, 365)
        row = IndexRow(
            doc_id=doc_id,
            kind=kind,
            object_id=object_id,
            owner_id=owner_id,
            audience="public",
            title=title,
            terms=" ".join(analyse(text)),
            areas=" ".join(dict.fromkeys(areas)),
            okved=" ".join(dict.fromkeys(okved)),
            region=region,
            org_kind=org_kind,
            trl=trl,
            status="member" if kind == "organisation" else "published",
            active_at=now - timedelta(days=days, seconds=rng.randint(0, 86_399)),
        )
        if kind == "organisation":
            orgs_by_topic.setdefault(topic.code, []).append((object_id, org_kind))
        result.append(Item(row, text, language, topic.code, secondary.code if secondary else None))

    return Corpus(seed, result, _queries(w, result, queries))


def _queries(w: _Writer, items: list[Item], n: int) -> list[Query]:
    rng = w.rng
    primary: dict[str, list[Item]] = {}
    secondary: dict[str, list[Item]] = {}
    for item in items:
        primary.setdefault(item.topic, []).append(item)
        if item.secondary:
            secondary.setdefault(item.secondary, []).append(item)
    out = []
    order = list(TOPICS)
    rng.shuffle(order)
    for i in range(n):
        topic = order[i % len(order)]
        language = "en" if rng.random() < 0.33 else "ru"
        title = w.words(w.pick(topic.concepts, rng.randint(2, 3)), language, True)
        title = " ".join(w.words(rng.choices(QUERY_FILLER_CONCEPTS, k=1), language, True) + title)
        words = w.words(w.pick(topic.concepts, rng.randint(7, 13)), language, True)
        words += w.words(w.pick(topic.shared, rng.randint(1, 3)), language, True)
        words += w.words(rng.choices(QUERY_FILLER_CONCEPTS, k=rng.randint(3, 6)), language, True)
        words += w.words(rng.choices(FILLER_CONCEPTS, k=rng.randint(2, 5)), language, True)
        words += w.words(rng.choices(NOISE_CONCEPTS, k=rng.randint(0, 2)), language, True)
        words += w.words(_mentions(w, topic), language, True)
        latin = [t for t in topic.latin if rng.random() < (0.6 if language == "en" else 0.35)]
        if language == "en" and not latin and topic.latin:
            latin = [rng.choice(topic.latin)]
        words += latin
        title = title[:1].upper() + title[1:]
        text = title + ". " + w.sentences(words)
        trl_min = rng.randint(4, 7) if rng.random() < 0.8 else None
        fields = {
            "kinds": frozenset(KINDS),
            "areas": frozenset({topic.area}),
            "trl_min": trl_min,
            "region": MOSCOW,
        }
        judgements = {}
        for item in primary.get(topic.code, []) + secondary.get(topic.code, []):
            row = item.row
            g = grade(item.topic, item.secondary, row.kind, row.trl, topic.code, trl_min)
            if g:
                judgements[row.object_id] = max(g, judgements.get(row.object_id, 0))
        out.append(Query(title, text, language, topic.code, fields, judgements))
    return out


# --------------------------------------------------------------------------- scale


@dataclass
class ScaleRows:
    """Raw material of n rows for the speed measurements: texts and the other fields."""

    texts: list[str]
    kinds: list[str]
    object_ids: list[str]
    owner_ids: list[str]
    titles: list[str]
    areas: list[str]
    okved: list[str]
    regions: list[str]
    org_kinds: list[str]
    trls: list[int | None]
    active_at: list[datetime]


def scale_rows(n: int = 1_000_000, seed: int = 7, fragments: int = 150, now: datetime | None = None) -> ScaleRows:  # fmt: skip
    """n organisations and products (half each), fast: each text is three sentences drawn from
    per-topic pools of ``fragments`` sentences per language, plus a generated name."""
    now = now or REFERENCE_NOW
    rng = random.Random(seed)
    w = _Writer(rng)
    pools: dict[tuple[int, str], list[str]] = {}
    for t, topic in enumerate(TOPICS):
        for lang in ("ru", "en"):
            sentences = []
            for _ in range(fragments):
                concepts = w.pick(topic.concepts, rng.randint(2, 5)) + w.pick(topic.shared, 1)
                concepts += rng.choices(FILLER_CONCEPTS, k=rng.randint(1, 3))
                concepts += rng.choices(NOISE_CONCEPTS, k=rng.randint(0, 1))
                words = w.words(concepts, lang) + [x for x in topic.latin if rng.random() < 0.2]
                sentences.append(w.sentences(words))
            pools[(t, lang)] = sentences
    weights = [math.exp(rng.gauss(0, 0.6)) for _ in TOPICS]
    topic_ix = rng.choices(range(len(TOPICS)), weights=weights, k=n)
    langs = rng.choices(("ru", "en", "both"), weights=(65, 20, 15), k=n)
    names = [_name(rng, "ru") for _ in range(4096)] + [_name(rng, "en") for _ in range(4096)]
    out = ScaleRows([], [], [], [], [], [], [], [], [], [], [])
    choice, rand, randint = rng.choice, rng.random, rng.randint
    org_ids: list[str] = []
    for i in range(n):
        t = topic_ix[i]
        topic = TOPICS[t]
        lang = langs[i]
        is_org = i % 2 == 0
        name = choice(names) + " " + choice(names)
        if lang == "both":
            ru, en = pools[(t, "ru")], pools[(t, "en")]
            body = f"{choice(ru)} {choice(ru)} {choice(en)} {choice(en)}"
        else:
            pool = pools[(t, lang)]
            body = f"{choice(pool)} {choice(pool)} {choice(pool)}"
        object_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if is_org:
            out.kinds.append("organisation")
            out.owner_ids.append(object_id)
            out.trls.append(None if rand() < 0.7 else randint(3, 9))
            out.org_kinds.append(choice(("company", "startup", "corporation", "university",
                                         "research_institute")))  # fmt: skip
            org_ids.append(object_id)
        else:
            out.kinds.append("product")
            out.owner_ids.append(org_ids[-1])
            out.trls.append(randint(4, 9))
            out.org_kinds.append(choice(("company", "startup", "corporation")))
        out.texts.append(f"{name}. {body}")
        out.titles.append(name)
        out.object_ids.append(object_id)
        out.areas.append(topic.area)
        out.okved.append(choice(topic.okved))
        out.regions.append(MOSCOW if rand() < 0.78 else choice(OTHER_REGIONS))
        out.active_at.append(now - timedelta(days=randint(0, 5 * 365) if rand() < 0.2 else randint(0, 365)))  # fmt: skip
    return out


def scale_queries(n: int = 300, seed: int = 8) -> list[Query]:
    """n challenge queries of the same kind as ``generate``'s (no judgements)."""
    w = _Writer(random.Random(seed))
    return _queries(w, [], n)
