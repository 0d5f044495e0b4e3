"""Text of the demo newsroom (`manage.py load_demo`): written for this project, all invented.

Names, companies, figures and quotes are fictitious; they read like Italian
health news so that pages, search and related lists can be judged by eye.
"""

PUBLISHER = {
    "site_name": "Sanità33",
    "tagline": "Quotidiano di informazione sanitaria",
    "company_name": "Editoriale Trentatré S.r.l.",
    "vat_number": "IT 09876543210",
    "registered_office": "Via dei Mille 33, 20129 Milano (MI)",
    "phone": "+39 02 3300 3300",
    "email": "redazione@sanita33.example",
    "editor_in_chief": "Elena Marchetti",
    "court_registration": "Registrazione Tribunale di Milano n. 133 del 12 marzo 2021",
    "website_url": "https://www.editorialetrentatre.example/",
    "facebook_url": "https://www.facebook.com/sanita33",
    "x_url": "https://x.com/sanita33",
    "linkedin_url": "https://www.linkedin.com/company/sanita33",
}

# The transparency page's data (standards.TrustSettings).
TRUST = {
    "ownership": (
        "Editoriale Trentatré S.r.l. è posseduta al 60% da Fondazione Salute e Informazione "
        "e al 40% dai giornalisti soci della cooperativa Redazione 33. Nessun socio opera "
        "nel settore farmaceutico o dei dispositivi medici."
    ),
    "funding": (
        "Pubblicità tabellare (58% dei ricavi 2025), contenuti sponsorizzati sempre "
        "dichiarati (27%), corsi di formazione per professionisti sanitari (15%). "
        "La testata non riceve contributi pubblici all'editoria."
    ),
    "hosting_provider": "Aruba S.p.A.",
    "hosting_address": "Via San Clemente 53, 24036 Ponte San Pietro (BG)",
    "accessibility_email": "accessibilita@sanita33.example",
    "accessibility_known_issues": (
        "Alcuni documenti PDF allegati agli articoli prima del 2024 non hanno una "
        "struttura accessibile: chiedili in formato accessibile alla redazione."
    ),
}

# Professional titles shown on author pages (Person hasCredential in JSON-LD).
CREDENTIALS = {
    "Elena Marchetti": "giornalista professionista",
    "Chiara Lombardo": "biotecnologa, giornalista pubblicista",
    "Giorgia Valenti": "infermiera, giornalista pubblicista",
}

# slug, name, parent slug, colour pair for the generated images, description
SECTIONS = [
    (
        "sanita-pubblica",
        "Sanità pubblica",
        None,
        ("#0b4f3c", "#4fb08c"),
        "Prevenzione, ospedali, pronto soccorso e servizi per i cittadini.",
    ),
    (
        "politica-sanitaria",
        "Politica sanitaria",
        None,
        ("#14213d", "#5c7cba"),
        "Governo, Parlamento, Regioni: le decisioni che cambiano il Servizio sanitario.",
    ),
    (
        "farmaci",
        "Farmaci",
        None,
        ("#4a1a5c", "#b57ad1"),
        "Prontuario, prezzi, carenze e accesso alle terapie.",
    ),
    (
        "biotech",
        "Biotech",
        "farmaci",
        ("#2d0a57", "#7f5af0"),
        "Start-up, terapie avanzate e investimenti nelle biotecnologie.",
    ),
    (
        "ricerca",
        "Ricerca",
        None,
        ("#6b0f1a", "#e26d5c"),
        "Studi clinici, scoperte e la scienza dietro le cure.",
    ),
    (
        "professione",
        "Professione",
        None,
        ("#7a3b00", "#f4a259"),
        "Medici, infermieri, farmacisti: contratti, formazione e lavoro.",
    ),
    (
        "territorio",
        "Territorio",
        None,
        ("#0f4c5c", "#5fb3b3"),
        "Case di comunità, medicina di famiglia e assistenza vicino a casa.",
    ),
]

AUTHORS = [
    (
        "Elena Marchetti",
        "Direttore responsabile",
        "Giornalista professionista, si occupa di politica sanitaria da vent'anni. "
        "Ha diretto le pagine salute di un quotidiano nazionale.",
    ),
    (
        "Davide Ferraris",
        "Caporedattore",
        "Segue farmaci e industria. Prima di Sanità33 ha lavorato in un'agenzia "
        "di stampa economica.",
    ),
    (
        "Chiara Lombardo",
        "Giornalista",
        "Scrive di ricerca clinica e oncologia. Laurea in biotecnologie, master in comunicazione "
        "della scienza.",
    ),
    (
        "Matteo Sartori",
        "Giornalista",
        "Racconta la sanità dei territori: case di comunità, guardie mediche, aree interne.",
    ),
    (
        "Giorgia Valenti",
        "Giornalista",
        "Si occupa di professioni sanitarie, contratti e formazione. "
        "Ex infermiera di area critica.",
    ),
    ("Redazione Sanità33", "Redazione", "Gli articoli firmati dalla redazione."),
]

PEOPLE = [
    (
        "Lucia Ferrante",
        "Direttrice generale",
        "Azienda ospedaliera San Rocco",
        "Medico igienista, ha guidato la riorganizzazione del pronto soccorso del suo ospedale.",
    ),
    (
        "Andrea Colonna",
        "Presidente",
        "Società italiana di medicina territoriale",
        "Medico di famiglia in provincia di Cuneo da venticinque anni.",
    ),
    (
        "Marina Esposito",
        "Direttrice scientifica",
        "Istituto oncologico del Mediterraneo",
        "Oncologa, coordina una rete di studi clinici sul tumore del polmone.",
    ),
    (
        "Roberto Galli",
        "Assessore alla salute",
        "Regione Adriatica",
        "Ex sindaco, è al secondo mandato in giunta regionale.",
    ),
    (
        "Silvia Moretti",
        "Responsabile farmacovigilanza",
        "Agenzia regionale del farmaco",
        "Farmacologa clinica, ha lavorato in un comitato europeo di valutazione.",
    ),
    (
        "Paolo De Santis",
        "Amministratore delegato",
        "Genomira Therapeutics",
        "Biologo molecolare, ha fondato la start-up dopo dieci anni di ricerca all'estero.",
    ),
    (
        "Francesca Rinaldi",
        "Segretaria nazionale",
        "Sindacato infermieri uniti",
        "Infermiera di terapia intensiva, guida il sindacato dal 2023.",
    ),
    (
        "Giovanni Bassi",
        "Ordinario di igiene",
        "Università di Pavonia",
        "Epidemiologo, studia le coperture vaccinali e le disuguaglianze di salute.",
    ),
    (
        "Alessandra Neri",
        "Presidente",
        "Associazione pazienti cronici",
        "Vive con il diabete di tipo 1 da quando aveva dodici anni.",
    ),
    (
        "Stefano Ricci",
        "Direttore",
        "Dipartimento di cardiologia, Ospedale Maggiore",
        "Cardiologo interventista, autore di studi sulla riabilitazione dopo l'infarto.",
    ),
    (
        "Valeria Conti",
        "Farmacista titolare",
        "Farmacia Centrale di Borgo Alto",
        "Porta in farmacia telemedicina e servizi di prima assistenza.",
    ),
    (
        "Luca Benedetti",
        "Presidente",
        "Ordine dei medici di Valdorso",
        "Chirurgo generale, si occupa di formazione dei giovani medici.",
    ),
]

# Per section: (subject, tags). Subjects fit "…" inside Italian sentences.
TOPICS = {
    "sanita-pubblica": [
        ("la campagna antinfluenzale", ["influenza", "vaccini", "anziani"]),
        ("gli screening oncologici", ["screening", "prevenzione", "tumori"]),
        ("il sovraffollamento dei pronto soccorso", ["pronto soccorso", "ospedali"]),
        ("le liste d'attesa per le visite specialistiche", ["liste d'attesa", "Regioni"]),
        ("la salute mentale dei ragazzi", ["salute mentale", "adolescenti"]),
        ("le infezioni resistenti agli antibiotici", ["antibiotico-resistenza", "ospedali"]),
    ],
    "politica-sanitaria": [
        ("il riparto del Fondo sanitario nazionale", ["Fondo sanitario", "Regioni"]),
        ("la riforma dei livelli essenziali di assistenza", ["LEA", "Ministero della Salute"]),
        ("il piano per abbattere le liste d'attesa", ["liste d'attesa", "governo"]),
        ("il tetto di spesa per il personale", ["personale", "legge di bilancio"]),
        ("i fondi del PNRR per la sanità", ["PNRR", "case di comunità"]),
    ],
    "farmaci": [
        ("le carenze di farmaci in farmacia", ["carenze", "farmacie"]),
        ("i farmaci equivalenti", ["equivalenti", "spesa farmaceutica"]),
        ("il nuovo prontuario nazionale", ["prontuario", "AIFA"]),
        ("la distribuzione dei farmaci ad alto costo", ["farmaci innovativi", "Regioni"]),
        ("la farmacovigilanza sui vaccini", ["farmacovigilanza", "vaccini"]),
    ],
    "biotech": [
        ("le terapie geniche per le malattie rare", ["terapie geniche", "malattie rare"]),
        ("gli investimenti nelle start-up biotech", ["start-up", "investimenti"]),
        ("le piattaforme a mRNA oltre i vaccini", ["mRNA", "ricerca"]),
        ("le terapie CAR-T", ["CAR-T", "oncologia"]),
    ],
    "ricerca": [
        ("l'immunoterapia nel tumore del polmone", ["immunoterapia", "tumori"]),
        ("la prevenzione dell'infarto dopo i cinquant'anni", ["cardiologia", "prevenzione"]),
        ("il diabete di tipo 2 e l'alimentazione", ["diabete", "nutrizione"]),
        ("l'intelligenza artificiale nella diagnosi", ["intelligenza artificiale", "diagnostica"]),
        ("il microbiota intestinale", ["microbiota", "ricerca"]),
        ("l'Alzheimer e i nuovi biomarcatori", ["Alzheimer", "biomarcatori"]),
    ],
    "professione": [
        ("il contratto dei medici ospedalieri", ["contratti", "medici"]),
        ("la carenza di infermieri", ["infermieri", "personale"]),
        ("le borse di specializzazione", ["specializzandi", "formazione"]),
        ("le aggressioni al personale sanitario", ["sicurezza", "pronto soccorso"]),
        ("i medici a gettone", ["gettonisti", "ospedali"]),
    ],
    "territorio": [
        ("le case di comunità", ["case di comunità", "PNRR"]),
        ("la telemedicina nelle aree interne", ["telemedicina", "aree interne"]),
        ("l'assistenza domiciliare agli anziani", ["assistenza domiciliare", "anziani"]),
        ("la farmacia dei servizi", ["farmacie", "servizi"]),
        ("la guardia medica d'estate", ["continuità assistenziale", "turismo"]),
    ],
}

ORGANISATIONS = [
    "il ministero della Salute",
    "l'Istituto superiore di sanità",
    "l'Agenzia italiana del farmaco",
    "la Conferenza delle Regioni",
    "l'Agenas",
    "la Federazione degli ordini dei medici",
]
REGIONS = [
    "Lombardia",
    "Veneto",
    "Emilia-Romagna",
    "Toscana",
    "Lazio",
    "Campania",
    "Puglia",
    "Sicilia",
    "Piemonte",
    "Sardegna",
    "Marche",
    "Calabria",
]

NEWS_TITLES = [
    "{Subject}, le Regioni accelerano ma restano i divari",
    "{Subject}: cosa cambia dal prossimo mese",
    "{Subject}, i numeri del nuovo rapporto",
    "{Subject}, {org} presenta il piano",
    "{Subject}: in {region} un modello che funziona",
    "{Subject}, l'allarme dei medici: «Servono risorse certe»",
    "{Subject}, le cinque cose da sapere",
    "{Subject}: i dati regione per regione",
]
ANALYSIS_TITLES = [
    "{Subject}, l'Italia divisa in due",
    "{Subject}: dieci anni di promesse e di numeri",
    "Che cosa ci dicono davvero i dati su {subject}",
]
OPINION_TITLES = [
    "{Subject}: è il momento di scegliere",
    "Su {subject} serve più coraggio",
]

PARAGRAPHS = [
    "Il tema è tornato al centro del dibattito dopo la pubblicazione dei dati più recenti: "
    "secondo {org}, {subject} riguarda ormai {percent} per cento delle strutture monitorate, "
    "con differenze marcate tra Nord e Sud.",
    "In {region} la situazione è migliorata negli ultimi dodici mesi. L'assessorato ha "
    "investito {millions} milioni di euro e ha riorganizzato i percorsi, coinvolgendo medici "
    "di famiglia, ospedali e farmacie.",
    "I numeri raccontano una storia complessa. Nel {year} i casi segnalati sono stati "
    "{thousands} mila, in crescita rispetto all'anno precedente, ma il dato nasconde forti "
    "differenze tra aree urbane e interne.",
    "Le associazioni dei pazienti chiedono tempi certi e informazioni chiare. «Le persone "
    "devono sapere dove rivolgersi e quanto dovranno aspettare», spiegano, ricordando che "
    "il ritardo pesa soprattutto su anziani e malati cronici.",
    "Sul fronte delle risorse, il governo ha annunciato uno stanziamento aggiuntivo nella "
    "prossima legge di bilancio. Le Regioni, però, giudicano la cifra insufficiente e chiedono "
    "di poter assumere personale oltre i limiti attuali.",
    "Gli esperti invitano a non trarre conclusioni affrettate: i dati disponibili coprono "
    "solo una parte del Paese e i sistemi di raccolta non sono ancora omogenei. Un nuovo "
    "flusso informativo nazionale è atteso entro il {year}.",
    "Il confronto con gli altri Paesi europei mostra margini di miglioramento. In Francia e "
    "in Germania modelli organizzativi simili hanno ridotto i tempi del {percent} per cento "
    "in tre anni, con un forte investimento sulla medicina territoriale.",
    "Resta aperta la questione del personale. Senza nuovi medici e infermieri, avvertono i "
    "sindacati, qualsiasi riforma rischia di restare sulla carta: nei prossimi cinque anni "
    "andranno in pensione migliaia di professionisti.",
    "Un ruolo importante lo avranno gli strumenti digitali. Il fascicolo sanitario elettronico "
    "e la telemedicina possono evitare spostamenti inutili, a condizione che i sistemi "
    "regionali dialoghino tra loro.",
    "La prossima tappa è la riunione tecnica prevista entro fine mese, dove {org} presenterà "
    "le linee guida operative. Le Regioni avranno poi novanta giorni per adeguarsi.",
]
SUBHEADS = [
    "I numeri",
    "Il quadro regionale",
    "Le risorse",
    "Cosa dicono gli esperti",
    "Il confronto con l'Europa",
    "Le prossime tappe",
    "Il nodo del personale",
]

INTERVIEW_QUESTIONS = [
    "Qual è oggi la priorità su {subject}?",
    "Che cosa manca perché le cose funzionino davvero?",
    "Le risorse annunciate bastano?",
    "Che cosa direbbe a un paziente che aspetta da mesi?",
]
INTERVIEW_ANSWERS = [
    "Dobbiamo partire dai dati. Sappiamo dove sono i ritardi e sappiamo che non dipendono solo "
    "dai soldi, ma da come organizziamo il lavoro tra ospedale e territorio.",
    "Serve continuità. Ogni riforma ha bisogno di anni per dare risultati, e nel frattempo le "
    "persone devono poter contare su servizi che funzionano ogni giorno.",
    "Sono un primo passo. Ma se non investiamo sulle persone, medici, infermieri, tecnici, "
    "le nuove strutture rischiano di restare scatole vuote.",
    "Che ha ragione a pretendere risposte. E che il Servizio sanitario nazionale resta uno dei "
    "pochi al mondo che cura tutti, indipendentemente dal reddito: va difeso migliorandolo.",
]
QUOTES = [
    "Non basta costruire nuove strutture: servono persone e organizzazione.",
    "I dati ci dicono dove intervenire, ora bisogna avere il coraggio di farlo.",
    "La prevenzione è l'investimento con il rendimento più alto che conosciamo.",
    "Il paziente deve tornare al centro, non le procedure.",
    "Senza il territorio l'ospedale da solo non regge.",
]

SOURCE_TEMPLATES = [
    (
        "Rapporto annuale {year} sullo stato del Servizio sanitario",
        "url",
        "https://www.salute.gov.it/portale/documentazione/rapporto-ssn-{year}",
    ),
    (
        "Istituto superiore di sanità, sorveglianza nazionale",
        "url",
        "https://www.epicentro.iss.it/sorveglianza/report-{year}",
    ),
    (
        "Studio multicentrico pubblicato su The Lancet Regional Health",
        "doi",
        "10.1016/j.lanepe.{year}.{n}",
    ),
    ("Meta-analisi su JAMA Network Open", "doi", "10.1001/jamanetworkopen.{year}.{n}"),
    (
        "Agenas, monitoraggio dei tempi di attesa",
        "url",
        "https://www.agenas.gov.it/monitoraggio/tempi-attesa-{year}",
    ),
    (
        "Rapporto OsMed sull'uso dei farmaci in Italia",
        "url",
        "https://www.aifa.gov.it/rapporto-osmed-{year}",
    ),
]

SPONSORS = ["Fondazione Salute Domani", "Consorzio Farmacie Unite", "MedTech Italia S.p.A."]

CORRECTIONS = [
    "In una precedente versione il nome della Regione era errato: si tratta della {region}.",
    "Corretto il dato sulla spesa: sono {millions} milioni di euro, non miliardi.",
    "Aggiornata la qualifica dell'intervistato su sua richiesta.",
]

IMAGE_CAPTIONS = [
    "Un'illustrazione dedicata a {subject}.",
    "{Subject}: l'immagine simbolo del servizio.",
]
