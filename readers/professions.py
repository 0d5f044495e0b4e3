"""The fixed list of health professions and Italy's provinces, as readers declare them."""

from django.db import models


class Profession(models.TextChoices):
    MEDICO = "medico", "Medico chirurgo"
    ODONTOIATRA = "odontoiatra", "Odontoiatra"
    FARMACISTA = "farmacista", "Farmacista"
    INFERMIERE = "infermiere", "Infermiere"
    OSTETRICA = "ostetrica", "Ostetrica/o"
    VETERINARIO = "veterinario", "Medico veterinario"
    PSICOLOGO = "psicologo", "Psicologo"
    BIOLOGO = "biologo", "Biologo"
    FISIOTERAPISTA = "fisioterapista", "Fisioterapista"
    TECNICO_RADIOLOGIA = "tecnico_radiologia", "Tecnico sanitario di radiologia medica"
    TECNICO_LABORATORIO = "tecnico_laboratorio", "Tecnico sanitario di laboratorio biomedico"
    DIETISTA = "dietista", "Dietista"


# The Ordine or Albo each profession registers with.
REGISTER_OF = {
    Profession.MEDICO: "Ordine dei medici chirurghi e degli odontoiatri (OMCeO)",
    Profession.ODONTOIATRA: "Ordine dei medici chirurghi e degli odontoiatri (OMCeO)",
    Profession.FARMACISTA: "Ordine dei farmacisti",
    Profession.INFERMIERE: "Ordine delle professioni infermieristiche (OPI)",
    Profession.OSTETRICA: "Ordine della professione di ostetrica",
    Profession.VETERINARIO: "Ordine dei medici veterinari",
    Profession.PSICOLOGO: "Ordine degli psicologi",
    Profession.BIOLOGO: "Ordine nazionale dei biologi",
    Profession.FISIOTERAPISTA: "Ordine TSRM e PSTRP (albo dei fisioterapisti)",
    Profession.TECNICO_RADIOLOGIA: "Ordine TSRM e PSTRP",
    Profession.TECNICO_LABORATORIO: "Ordine TSRM e PSTRP",
    Profession.DIETISTA: "Ordine TSRM e PSTRP (albo dei dietisti)",
}

PROVINCES = [
    ("AG", "Agrigento"), ("AL", "Alessandria"), ("AN", "Ancona"), ("AO", "Aosta"),
    ("AP", "Ascoli Piceno"), ("AQ", "L'Aquila"), ("AR", "Arezzo"), ("AT", "Asti"),
    ("AV", "Avellino"), ("BA", "Bari"), ("BG", "Bergamo"), ("BI", "Biella"),
    ("BL", "Belluno"), ("BN", "Benevento"), ("BO", "Bologna"), ("BR", "Brindisi"),
    ("BS", "Brescia"), ("BT", "Barletta-Andria-Trani"), ("BZ", "Bolzano"),
    ("CA", "Cagliari"), ("CB", "Campobasso"), ("CE", "Caserta"), ("CH", "Chieti"),
    ("CL", "Caltanissetta"), ("CN", "Cuneo"), ("CO", "Como"), ("CR", "Cremona"),
    ("CS", "Cosenza"), ("CT", "Catania"), ("CZ", "Catanzaro"), ("EN", "Enna"),
    ("FC", "Forlì-Cesena"), ("FE", "Ferrara"), ("FG", "Foggia"), ("FI", "Firenze"),
    ("FM", "Fermo"), ("FR", "Frosinone"), ("GE", "Genova"), ("GO", "Gorizia"),
    ("GR", "Grosseto"), ("IM", "Imperia"), ("IS", "Isernia"), ("KR", "Crotone"),
    ("LC", "Lecco"), ("LE", "Lecce"), ("LI", "Livorno"), ("LO", "Lodi"),
    ("LT", "Latina"), ("LU", "Lucca"), ("MB", "Monza e della Brianza"),
    ("MC", "Macerata"), ("ME", "Messina"), ("MI", "Milano"), ("MN", "Mantova"),
    ("MO", "Modena"), ("MS", "Massa-Carrara"), ("MT", "Matera"), ("NA", "Napoli"),
    ("NO", "Novara"), ("NU", "Nuoro"), ("OR", "Oristano"), ("PA", "Palermo"),
    ("PC", "Piacenza"), ("PD", "Padova"), ("PE", "Pescara"), ("PG", "Perugia"),
    ("PI", "Pisa"), ("PN", "Pordenone"), ("PO", "Prato"), ("PR", "Parma"),
    ("PT", "Pistoia"), ("PU", "Pesaro e Urbino"), ("PV", "Pavia"), ("PZ", "Potenza"),
    ("RA", "Ravenna"), ("RC", "Reggio Calabria"), ("RE", "Reggio Emilia"),
    ("RG", "Ragusa"), ("RI", "Rieti"), ("RM", "Roma"), ("RN", "Rimini"),
    ("RO", "Rovigo"), ("SA", "Salerno"), ("SI", "Siena"), ("SO", "Sondrio"),
    ("SP", "La Spezia"), ("SR", "Siracusa"), ("SS", "Sassari"), ("SU", "Sud Sardegna"),
    ("SV", "Savona"), ("TA", "Taranto"), ("TE", "Teramo"), ("TN", "Trento"),
    ("TO", "Torino"), ("TP", "Trapani"), ("TR", "Terni"), ("TS", "Trieste"),
    ("TV", "Treviso"), ("UD", "Udine"), ("VA", "Varese"), ("VB", "Verbano-Cusio-Ossola"),
    ("VC", "Vercelli"), ("VE", "Venezia"), ("VI", "Vicenza"), ("VR", "Verona"),
    ("VT", "Viterbo"), ("VV", "Vibo Valentia"),
]  # fmt: skip
