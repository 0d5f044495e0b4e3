# ruff: noqa: E501
"""Word lists for the labelled related-articles corpora, Italian and English.

Topics come in confusable pairs that share part of their vocabulary (football
and tennis, markets and central banks, elections and parliament…), and every
article draws much of its text from a general news vocabulary and from other
topics, so a method that matches single words is easily misled.
"""

# Each topic: (label, own words, words shared with its pair partner, tag names).
EN_TOPICS = [
    (
        "football",
        "striker goalkeeper penalty league midfielder stadium derby referee offside transfer goal dribble",
        "match season coach title fans final champion trophy",
        "football sport",
    ),
    (
        "tennis",
        "serve racket wimbledon baseline volley grand slam backhand tiebreak clay seed ranking",
        "match season coach title fans final champion trophy",
        "tennis sport",
    ),
    (
        "markets",
        "shares stocks index traders investors equities bond yields rally selloff nasdaq portfolio",
        "inflation rates economy growth recession dollar forecast",
        "markets finance",
    ),
    (
        "central_bank",
        "monetary policy governor hike basis points lending liquidity mandate board minutes tightening",
        "inflation rates economy growth recession dollar forecast",
        "economy banks",
    ),
    (
        "elections",
        "ballot voters polling candidate campaign turnout constituency runoff poll swing primaries",
        "party minister opposition coalition vote leader majority",
        "elections politics",
    ),
    (
        "parliament",
        "bill amendment senate committee legislation lawmakers chamber debate quorum statute filibuster",
        "party minister opposition coalition vote leader majority",
        "parliament politics",
    ),
    (
        "smartphones",
        "handset android iphone camera battery screen launch chipset foldable sales upgrade",
        "apple samsung users devices software app update",
        "technology gadgets",
    ),
    (
        "cybersecurity",
        "hackers ransomware breach malware phishing encryption vulnerability patch attackers passwords botnet",
        "apple samsung users devices software app update",
        "technology security",
    ),
    (
        "oncology",
        "tumour cancer chemotherapy radiotherapy oncologist metastasis biopsy immunotherapy screening remission lymphoma",
        "patients trial hospital treatment doctors drug study",
        "health cancer",
    ),
    (
        "drug_pricing",
        "pharmaceutical prices generic reimbursement pharmacies shortages regulator patent insurers cost manufacturer",
        "patients trial hospital treatment doctors drug study",
        "health pharma",
    ),
    (
        "climate",
        "emissions warming carbon glaciers drought heatwave greenhouse temperatures wildfire summit sea",
        "energy renewable gas power coal wind solar",
        "environment climate",
    ),
    (
        "energy",
        "pipeline grid utility electricity blackout turbines nuclear reactor tariff barrels refinery",
        "energy renewable gas power coal wind solar",
        "energy business",
    ),
]

EN_GENERAL = """
said year people government new first last week month time report officials country city
percent million billion according group public national local former director statement
told plans number three two four five several major recent new today yesterday thursday
monday friday sunday early late day including expected people members work company news
service states world region official key announced support data increase decrease help
change high low long short lead future past record second third result point issue question
part case area level program project family children community life place house office
power spokesman agency international security plan move deal talks decision business
""".split()

EN_STOP = (
    "the of and to in a is that for on with as by at from it was be are this an has have".split()
)

EN_ENTITIES = "London Paris Berlin Rome Madrid Brussels Washington Tokyo Beijing Delhi Smith Johnson Brown Taylor Wilson Garcia Martin Lee Walker Hall Allen Young King Wright Scott Green Baker Adams Nelson Hill".split()

IT_TOPICS = [
    (
        "calcio",
        "attaccante portiere rigore campionato centrocampista stadio derby arbitro fuorigioco calciomercato gol dribbling",
        "partita stagione allenatore scudetto tifosi finale campione coppa",
        "calcio sport",
    ),
    (
        "tennis",
        "servizio racchetta wimbledon volée slam rovescio tiebreak terra battuta testa serie classifica",
        "partita stagione allenatore scudetto tifosi finale campione coppa",
        "tennis sport",
    ),
    (
        "borsa",
        "azioni titoli indice operatori investitori listino obbligazioni rendimenti rialzo ribasso piazza affari portafoglio",
        "inflazione tassi economia crescita recessione euro previsioni",
        "mercati finanza",
    ),
    (
        "banca_centrale",
        "politica monetaria governatore rialzo punti base prestiti liquidità mandato consiglio verbali stretta",
        "inflazione tassi economia crescita recessione euro previsioni",
        "economia banche",
    ),
    (
        "elezioni",
        "scheda elettori seggi candidato campagna affluenza collegio ballottaggio sondaggio coalizioni primarie",
        "partito ministro opposizione maggioranza voto leader governo",
        "elezioni politica",
    ),
    (
        "parlamento",
        "disegno emendamento senato commissione legislatura deputati aula dibattito fiducia decreto ostruzionismo",
        "partito ministro opposizione maggioranza voto leader governo",
        "parlamento politica",
    ),
    (
        "smartphone",
        "telefono android iphone fotocamera batteria schermo lancio processore pieghevole vendite aggiornamento",
        "apple samsung utenti dispositivi software app versione",
        "tecnologia gadget",
    ),
    (
        "cybersicurezza",
        "hacker ransomware violazione malware phishing crittografia vulnerabilità patch attaccanti password botnet",
        "apple samsung utenti dispositivi software app versione",
        "tecnologia sicurezza",
    ),
    (
        "oncologia",
        "tumore cancro chemioterapia radioterapia oncologo metastasi biopsia immunoterapia screening remissione linfoma",
        "pazienti sperimentazione ospedale terapia medici farmaco studio",
        "salute tumori",
    ),
    (
        "prezzi_farmaci",
        "farmaceutica prezzi generici rimborso farmacie carenze aifa brevetto assicurazioni costi produttore",
        "pazienti sperimentazione ospedale terapia medici farmaco studio",
        "salute farmaci",
    ),
    (
        "clima",
        "emissioni riscaldamento carbonio ghiacciai siccità caldo serra temperature incendi vertice mare",
        "energia rinnovabili gas elettrica carbone eolico solare",
        "ambiente clima",
    ),
    (
        "energia",
        "gasdotto rete utility elettricità blackout turbine nucleare reattore tariffe barili raffineria",
        "energia rinnovabili gas elettrica carbone eolico solare",
        "energia imprese",
    ),
]

IT_GENERAL = """
detto anno persone governo nuovo primo ultimo settimana mese tempo rapporto funzionari paese
città percento milioni miliardi secondo gruppo pubblico nazionale locale ex direttore
dichiarazione spiegato piano numero tre due quattro cinque diversi principale recente oggi
ieri giovedì lunedì venerdì domenica presto tardi giorno compreso previsto membri lavoro
società notizie servizio stati mondo regione ufficiale chiave annunciato sostegno dati
aumento calo aiuto cambiamento alto basso lungo breve futuro passato record secondo terzo
risultato punto questione parte caso area livello programma progetto famiglia bambini
comunità vita posto casa ufficio potere portavoce agenzia internazionale sicurezza accordo
trattative decisione impresa
""".split()

IT_STOP = "il lo la i gli le di a da in con su per tra fra e che è un una del della dei delle al alla nel nella".split()

IT_ENTITIES = "Milano Roma Napoli Torino Bologna Firenze Bruxelles Parigi Berlino Londra Rossi Bianchi Russo Ferrari Esposito Romano Colombo Ricci Marino Greco Bruno Gallo Conti Costa Giordano Mancini Rizzo Lombardi Moretti Barbieri".split()

LANGUAGES = {
    "en": (EN_TOPICS, EN_GENERAL, EN_STOP, EN_ENTITIES),
    "it": (IT_TOPICS, IT_GENERAL, IT_STOP, IT_ENTITIES),
}
