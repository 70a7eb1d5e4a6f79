"""Vocabulary of where a number stands, shared by every digit substitution.

A token such as ``src`` is read as a corrupted digit by what surrounds it; the words
here are that surrounding. They are families, not one site's phrases: the month names,
labels that take a number ("Chapter 1", "No. 1", "Game 1"), words that follow one
("1 million", "1 p.m.", "1 in 5") and units, in English, German, French, Spanish,
Portuguese, Italian and Dutch. All are matched lower-cased, whole words only.

The other side, words that show the token is *meant* (``the src attribute``), lives
here too: a substitution must never rewrite prose about code.
"""

from __future__ import annotations

# Month names and their usual abbreviations: "May 1", "Jan. 1", "1er janvier".
MONTHS = frozenset("""
jan jan. january feb feb. february mar mar. march apr apr. april may jun jun. june jul jul.
july aug aug. august sep sep. sept sept. september oct oct. october nov nov. november dec
dec. december
januar februar märz mai juni juli oktober dezember
janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre
enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre
janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro
gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre
januari februari maart mei augustus
""".split())

# Labels a number follows: "No. 1", "Chapter 1", "Game 1", "Route 1", "Kapitel 1".
LABELS = frozenset("""
no no. nos. nr nr. nº n° # number numbers num. chapter chapters ch. game games week weeks day round
level levels phase stage page pages p. pp. part episode ep. season volume vol. grade class
category step tier section sec. article rule figure fig. table division div. version
ver. gen generation formula route highway interstate channel platform gate terminal floor
row seat track zone district ward act scene verse series term year question lap heat
leg hole match race pick exhibit appendix quote tip tips reason reasons lesson tactic option idea mistake myth fact
kapitel seite seiten teil folge staffel spieltag runde stufe klasse liga bundesliga nummer
chapitre partie saison étape etape ligue numéro numero tome
capítulo capitulo página pagina parte temporada jornada fase etapa liga número
capitolo pagina giornata serie
hoofdstuk pagina deel aflevering seizoen speelronde
""".split())

# Words that follow a number: scale words, clock words, "1 in 5", "1 of 3", units.
FOLLOWERS = frozenset("""
million millions billion billions trillion trillions thousand thousands hundred hundreds
dozen % ‰ percent per pct pm am p.m. a.m. o'clock bn mn m k
year years yr yrs day days hour hours hr hrs minute minutes min mins second seconds sec secs
week weeks month months decade decades century centuries time times point points pts goal
goals run runs game games win wins loss losses vote votes seat seats person people man men
woman women child children adult adults player players case cases death deaths mile miles
inch inches foot feet meter meters metre metres pound pounds ounce ounces dollar dollars cent
cents euro euros gallon gallons share shares yard yards
millionen milliarde milliarden tausend prozent uhr jahr jahre jahren tag tage tagen stunde
stunden minute minuten woche wochen monat monate euro punkt punkte tor tore mal
millions milliard milliards mille pour heure heures h ans jour jours semaine semaines mois
minute minutes fois point points but buts euros
millón millones mil por hora horas año años día días semana semanas mes meses vez veces
punto puntos gol goles
milhão milhões bilhão bilhões hora horas ano anos dia dias vez vezes
milione milioni miliardo miliardi ora ore anno anni giorno giorni volta volte
miljoen miljard uur jaar dag dagen keer
""".split())

# Words that, between two numbers, make a range or a ratio: "1 to 2", "1 in 5", "2 of 1".
JOINERS = frozenset("to or and in of out by x - – — bis und oder à et ou a y e o tot en".split())

# Units written straight after the number: "1TB", "1Hz", "11km", "1x". Case matters
# (``mAh``, ``GB``); a lower-case word after the token ("srcset") is not a unit.
UNITS = frozenset("""
Hz kHz MHz GHz THz B KB kB MB GB TB PB Kb Mb Gb Tb bit bits mAh Ah Wh kWh MWh GWh W kW MW GW
V mV kV A mA mm cm km m mi ft in yd g kg mg µg lb lbs oz t ml mL l L cl dl gal mph kph kmh
km/h fps px pt dpi ppi MP mp x X K k M bn mn p P s ms µs ns h hr hrs min sec yo am pm
""".split())

# Ordinal and plural endings after a number: "1st", "11th", "1950s", "1er", "1º", "21.".
ORDINALS = frozenset("st nd rd th s 's ’s er re e ère eme ème o a º ª".split())

# Words after the token that show it is meant: "the src attribute", "src and dst".
CODE_WORDS = frozenset("""
attribute attributes attr attrs tag tags property properties prop field fields folder folders
directory directories dir path paths file files tree url urls uri variable variables var vars
parameter parameters param params argument arguments arg args descriptor element elements
dst dest destination module package repo repository code
""".split())

# Words before the token that show it is meant: "img src", "an image's src", "dst and src".
CODE_BEFORE = frozenset("""
img image image's images iframe script video audio element element's html css js javascript
dst dest destination attribute property variable variables named called
""".split())
