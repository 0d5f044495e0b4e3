"""Masthead, sections, authors and people of the demo newsroom (`manage.py load_demo`).

The articles themselves are in articles.toml next to this file. Names,
organisations, figures and quotes are invented; they read like Italian health
news so that pages, search and related lists can be judged by eye.
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

# slug, name, parent slug, illustration palettes (articles/demo/illustrations.py), description
SECTIONS = [
    (
        "sanita-pubblica",
        "Sanità pubblica",
        None,
        ("verde", "petrolio", "corallo"),
        "Prevenzione, ospedali, pronto soccorso e servizi per i cittadini.",
    ),
    (
        "politica-sanitaria",
        "Politica sanitaria",
        None,
        ("blu", "notte", "ocra"),
        "Governo, Parlamento, Regioni: le decisioni che cambiano il Servizio sanitario.",
    ),
    (
        "farmaci",
        "Farmaci",
        None,
        ("viola", "corallo", "blu"),
        "Prontuario, prezzi, carenze e accesso alle terapie.",
    ),
    (
        "biotech",
        "Biotech",
        "farmaci",
        ("viola", "notte", "petrolio"),
        "Start-up, terapie avanzate e investimenti nelle biotecnologie.",
    ),
    (
        "ricerca",
        "Ricerca",
        None,
        ("corallo", "blu", "verde"),
        "Studi clinici, scoperte e la scienza dietro le cure.",
    ),
    (
        "professione",
        "Professione",
        None,
        ("ocra", "petrolio", "corallo"),
        "Medici, infermieri, farmacisti: contratti, formazione e lavoro.",
    ),
    (
        "territorio",
        "Territorio",
        None,
        ("petrolio", "verde", "ocra"),
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

# The people quoted or interviewed (name, role, organisation, bio). All invented, and so
# are their organisations: no real office-holder is ever given words they did not say.
PEOPLE = [
    (
        "Lucia Ferrante",
        "Direttrice generale",
        "Azienda ospedaliera San Rocco di Valdorso",
        "Medico igienista, ha guidato la riorganizzazione del pronto soccorso del suo ospedale.",
    ),
    (
        "Andrea Colonna",
        "Presidente",
        "Società italiana di medicina territoriale",
        "Medico di famiglia in provincia da venticinque anni.",
    ),
    (
        "Marina Esposito",
        "Direttrice dell'oncologia medica",
        "Istituto oncologico del Mediterraneo",
        "Oncologa, coordina una rete di studi clinici sul tumore del polmone.",
    ),
    (
        "Roberto Galli",
        "Assessore alla Salute",
        "Regione Adriatica",
        "Ex sindaco, è al secondo mandato in giunta regionale.",
    ),
    (
        "Silvia Moretti",
        "Responsabile della farmacovigilanza",
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
        "Professore ordinario di igiene",
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
        "Direttore della cardiologia",
        "Ospedale Maggiore di Borgo Alto",
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
    (
        "Teresa Mancini",
        "Direttrice del dipartimento di prevenzione",
        "ASL Valdorso Nord",
        "Igienista, ha organizzato le campagne vaccinali della sua azienda sanitaria.",
    ),
    (
        "Nicola Fabbri",
        "Direttore del pronto soccorso",
        "Ospedale Santa Chiara di Pavonia",
        "Medico d'urgenza, lavora in pronto soccorso da ventidue anni.",
    ),
    (
        "Elisa Gatti",
        "Responsabile del centro per i disturbi cognitivi",
        "Policlinico universitario di Pavonia",
        "Neurologa, partecipa a studi internazionali sulla diagnosi precoce dell'Alzheimer.",
    ),
    (
        "Marco Vitale",
        "Presidente",
        "Società italiana di infettivologia ospedaliera",
        "Infettivologo, guida il programma per l'uso responsabile degli antibiotici in ospedale.",
    ),
    (
        "Chiara Orlandi",
        "Neuropsichiatra infantile",
        "ASL Costa Est",
        "Coordina il servizio per gli adolescenti in crisi del suo territorio.",
    ),
    (
        "Federico Marini",
        "Direttore del distretto sanitario",
        "ASL Costa Est",
        "Ha aperto le prime case di comunità della provincia.",
    ),
    (
        "Sara Pellegrini",
        "Ricercatrice di bioinformatica",
        "Università di Pavonia",
        "Sviluppa modelli di intelligenza artificiale per la diagnostica per immagini.",
    ),
    (
        "Giulia Ferri",
        "Portavoce",
        "Associazione giovani medici",
        "Specializzanda in anestesia e rianimazione.",
    ),
    (
        "Irene Colombo",
        "Diabetologa",
        "Ospedale Maggiore di Borgo Alto",
        "Segue gli ambulatori per il diabete di tipo 2 e gli studi sulla nutrizione.",
    ),
]

# A draft of the weekly newsletter, ready for the preview in the admin (titles from
# articles.toml, in the order the edition shows them).
EDITION = {
    "subject": "Influenza verso il picco, attese online e la caccia agli infermieri",
    "preheader": "Le notizie di sanità della settimana scelte dalla redazione di Sanità33.",
    "intro": (
        "<p>Buongiorno. La stagione influenzale corre più veloce del previsto e i pronto "
        "soccorso se ne accorgono già. Da gennaio i tempi di attesa di ogni ospedale saranno "
        "pubblici: vi spieghiamo che cosa si vedrà e che cosa fare se il CUP non trova posto. "
        "E poi le Regioni che cercano infermieri all'estero, la manovra per la sanità e un "
        "esame del sangue per l'Alzheimer.</p><p>Buona lettura, la redazione.</p>"
    ),
    "articles": [
        "Influenza, il picco è atteso a gennaio: già due milioni di italiani a letto",
        "Liste d'attesa, da gennaio i tempi di ogni ospedale saranno pubblici online",
        "Il CUP non trova posto entro i tempi? Ecco che cosa può fare il paziente",
        "Infermieri, ne mancano 65 mila: le Regioni reclutano in India e in Sud America",
        "Manovra, alla sanità 1,8 miliardi: metà andrà al rinnovo dei contratti",
        "Alzheimer, un esame del sangue per la p-tau217 entra in due centri italiani",
        "Giovanni Bassi: «Il vaccino va fatto adesso, a dicembre è già tardi»",
    ],
}
