#!/usr/bin/env python3
"""Generate tests/fixtures/name_pairs.csv: labelled pairs of registry records
for measuring cross-script person matching (duplicate detection).

    python3 scripts/name-pairs/generate.py > tests/fixtures/name_pairs.csv

Standard library only, no network, one ``random.Random(20261127)``: the output
is the same byte for byte on every run (UTF-8, no BOM, LF line endings, RFC 4180
quoting where a field needs it).

Every person is fictional: an identity is a random combination of a common
given name and a common family name from the pools below, a random birth date
(women 1975-2005, men 1965-2000, children 2008-2024) and a nationality.  No
real individual is described.

Identities
----------
An identity has name *keys* (``fatima`` + ``mahmoud``), a sex, a true full
birth date, an ISO 3166-1 alpha-2 nationality and optionally a kunya
(``Umm Yusuf`` / ``Abu Yusuf``), a father's name (for ``bin``/``bint``
patronymics) and, for some Western converts, a birth given name (``Laura``)
next to the adopted Muslim name.  Nationals of RU, KZ, UZ, TJ, AZ and KG get
Russian-style family names (``Makhmudov``/``Makhmudova``, ``Aliyev``/
``Aliyeva``, ``Kadyrov``...); Arab nationals get Arab family names, some with
the article (``al-Qadi``) or ``Ben``/``bin`` (``Benali``); Turkish nationals
Turkish ones; Western nationals either Western family names (converts) or the
family names of the Maghreb, Turkish and Arab diasporas.

Renderings
----------
A record is one rendering of an identity in one script, as a clerk might have
typed it:

* Latin: the spelling depends on who wrote it (English-speaking NGO, French,
  German, Dutch or Turkish registry, or the home passport): Muhammad /
  Mohammed / Mohamed / Mehmet, Aisha / Aicha / Aïcha / Ayşe, Khadija /
  Khadidja / Hatice, Yusuf / Youssef / Jusuf / Iusuf, ou/u/oo, kh/h/x/ch,
  dzh/j/dj, ya/ia/ja, ...  For ex-Soviet nationals the Latin form is usually
  transliterated from the Cyrillic one with a real system (BGN/PCGN-like, the
  Russian passport's ICAO scheme, Uzbek Latin, French, German, Dutch), which
  is how ``Юсупова`` becomes Yusupova / Iusupova / Ioussoupova / Jussupowa /
  Joesoepova.
* Arabic: real spellings, with variants that occur (hamza on alif dropped,
  final ة written ه, final ى/ي confused, diacritics on some, Persian/Kurdish
  keyboard letters ی ک), the article attached, detached or dropped, and the
  Russian surname either transliterated (محمودوفا) or reduced to its base
  (محمود).
* Cyrillic: Мухаммад / Магомед / Мухаммед, Хадиджа / Хадижат, Махмудов /
  Махмудова / Махмуд, аль-Кади / ал-Кади / Кади, ...
* Record-level noise: given and family name swapped between the fields
  (clerical error; more often on Arabic records, where the family name may
  come first), family name in capitals, a kunya or the name in another script
  in ``other_names`` (aliases joined by `` | ``), a ``bin``/``bint``
  patronymic in the family field, the convert's birth name as given name with
  the Muslim name as alias (or the reverse).

Labels
------
``same=1``: both records are renderings of ONE identity.  Birth is written with
independent precision on each side (year, year-month or full date); about 10%
have the year off by one on one side, about 10% have one side unknown, a few
have a 1 January placeholder date or day and month swapped, a few have the
nationality missing on one side, a second nationality (FR vs DZ) or a
different code format (``RUS``, ``UK``), and a few have sex ``unknown`` on one
side.  Sex is never female on one side and male on the other.

``same=0``: two different identities.  About half are random strangers; the
other half are hard negatives:

* same given name: same given name, different family name, birth year equal
  or within two years;
* same family: the same family name, different given names: siblings 1-8
  years apart (twins with the same date among them), mother or father and
  child (15-45 years apart; a mother's kunya may be her son's name, Umm Yusuf
  next to Yusuf);
* same name: the same given and family name, born 8 or more years apart
  (mother and daughter, uncle and nephew, relatives); both sides always carry
  a birth year, so the records can be told apart;
* similar name: genuinely different but similar names (Amina/Asma,
  Hasan/Husayn, Fatima/Fatiha, Salim/Salima with the other sex, Hassan/Hussein
  as family names), birth years close.

No negative has identical name keys, the same sex and compatible birth dates:
such a pair could not be told apart by any information and would not be
labelled data.  The ``note`` column says in a few words what varies, for
people reading failures (``A:``/``B:`` mark what is peculiar to one record);
it is not meant to be parsed.
"""

import csv
import datetime
import io
import random
import re
import sys
import unicodedata

SEED = 20261127

# Pairs per script_pair (sorted script names joined by '-'), half of each same=1.
QUOTAS = [
    ("latin-latin", 300),
    ("arabic-latin", 300),
    ("cyrillic-latin", 300),
    ("arabic-cyrillic", 180),
    ("arabic-arabic", 180),
    ("cyrillic-cyrillic", 180),
]
# Share of the negatives of each script pair, by kind (about half hard).
NEGATIVE_MIX = [
    ("unrelated", 0.48),
    ("same given name", 0.14),
    ("same family", 0.14),
    ("same name", 0.12),
    ("similar name", 0.12),
]

COLUMNS = [
    "pair_id", "script_pair", "same",
    "a_given", "a_family", "a_other_names", "a_sex", "a_birth", "a_nationality",
    "b_given", "b_family", "b_other_names", "b_sex", "b_birth", "b_nationality",
    "note",
]

# --------------------------------------------------------------------------
# Nationalities
# --------------------------------------------------------------------------

SU = ["RU", "KZ", "UZ", "TJ", "AZ", "KG"]          # Russian-style surnames, Cyrillic registries
ARAB = ["IQ", "SY", "EG", "TN", "MA", "DZ"]
WEST = ["FR", "BE", "DE", "NL", "SE", "GB"]
NAT_WEIGHTS = [
    ("RU", 14), ("KZ", 5), ("UZ", 7), ("TJ", 6), ("AZ", 4), ("KG", 3),
    ("IQ", 8), ("SY", 5), ("EG", 4), ("TN", 8), ("MA", 6), ("DZ", 5),
    ("FR", 10), ("BE", 6), ("DE", 8), ("NL", 6), ("SE", 5), ("GB", 5),
    ("TR", 8),
]
ALPHA3 = {
    "RU": "RUS", "KZ": "KAZ", "UZ": "UZB", "TJ": "TJK", "AZ": "AZE", "KG": "KGZ",
    "IQ": "IRQ", "SY": "SYR", "EG": "EGY", "TN": "TUN", "MA": "MAR", "DZ": "DZA",
    "FR": "FRA", "BE": "BEL", "DE": "DEU", "NL": "NLD", "SE": "SWE", "GB": "GBR",
    "TR": "TUR",
}
# A second nationality a registry may have recorded instead.
DUAL = {
    "FR": ["DZ", "MA", "TN"], "BE": ["MA", "TR", "TN"], "NL": ["MA", "TR"],
    "DE": ["TR", "TN", "SY"], "SE": ["IQ", "SY"], "GB": ["IQ", "EG"],
    "DZ": ["FR"], "MA": ["FR", "BE", "NL"], "TN": ["FR", "DE", "BE"],
    "TR": ["DE", "NL", "BE", "SE"], "IQ": ["SE", "GB"], "SY": ["DE", "SE"],
    "EG": ["GB"],
}

# --------------------------------------------------------------------------
# Given names.  en/fr/tr: Latin spellings by registry habit (the first is the
# most usual); ar: Arabic spellings (first canonical); cy: Cyrillic spellings
# (Latin forms for ex-Soviet nationals are mostly transliterated from these).
# w: weight among nationals of the ex-Soviet states, weight among the others.
# --------------------------------------------------------------------------

def G(sex, w, en, fr, tr, ar, cy):
    return {"sex": sex, "w": w, "en": en, "fr": fr, "tr": tr, "ar": ar, "cy": cy}


GIVEN = {
    # women and girls
    "aisha": G("F", (3, 3), ["Aisha", "Aysha", "Aishah", "Ayesha"], ["Aicha", "Aïcha", "Aïsha"],
               ["Ayşe", "Ayse"], ["عائشة", "عايشة", "عائشه", "عَائِشَة"], ["Аиша", "Айша", "Аишат"]),
    "fatima": G("F", (3, 3), ["Fatima", "Fatimah", "Fatemeh"], ["Fatima", "Fatma"],
                ["Fatma", "Fatime"], ["فاطمة", "فاطمه", "فَاطِمَة"], ["Фатима", "Патимат", "Фатимат"]),
    "khadija": G("F", (3, 3), ["Khadija", "Khadeeja", "Khadijah", "Hadija"], ["Khadija", "Khadidja", "Khedidja"],
                 ["Hatice", "Hadice"], ["خديجة", "خديجه", "خَدِيجَة"], ["Хадиджа", "Хадижат", "Хадижа"]),
    "maryam": G("F", (3, 3), ["Maryam", "Mariam", "Mariyam"], ["Meriem", "Myriam", "Mariam"],
                ["Meryem"], ["مريم", "مَرْيَم"], ["Марьям", "Мариям", "Марям"]),
    "zaynab": G("F", (2, 2), ["Zaynab", "Zainab", "Zeinab"], ["Zineb", "Zaineb", "Zeineb"],
                ["Zeynep"], ["زينب", "زَيْنَب"], ["Зайнаб", "Зейнаб", "Зайнап"]),
    "asma": G("F", (1, 2), ["Asma", "Asmaa", "Asmah"], ["Asma", "Asmae", "Esma"],
              ["Esma"], ["أسماء", "اسماء", "أسما"], ["Асма", "Асмаа"]),
    "amina": G("F", (2, 2), ["Amina", "Aminah", "Ameena"], ["Amina", "Aminata"],
               ["Emine"], ["أمينة", "امينة", "امينه"], ["Амина", "Аминат"]),
    "hafsa": G("F", (1, 2), ["Hafsa", "Hafsah"], ["Hafsa", "Hafssa"],
               ["Hafsa"], ["حفصة", "حفصه"], ["Хафса", "Хавса"]),
    "safiya": G("F", (1, 1), ["Safiya", "Safiyya", "Safia", "Safiyah"], ["Safia", "Safiya"],
                ["Safiye"], ["صفية", "صفيه"], ["Сафия", "Сафият"]),
    "ruqayya": G("F", (1, 1), ["Ruqayya", "Ruqaya", "Ruqayyah", "Rukiya"], ["Rokaya", "Roukaya", "Rokia"],
                 ["Rukiye"], ["رقية", "رقيه"], ["Рукия", "Рукайя", "Рукият"]),
    "sumayya": G("F", (1, 1), ["Sumayya", "Sumaya", "Sumaiya", "Sumayyah"], ["Soumaya", "Soumia", "Soumaia"],
                 ["Sümeyye", "Sumeyye"], ["سمية", "سميه", "سُمَيَّة"], ["Сумайя", "Сумая", "Сумаия"]),
    "halima": G("F", (2, 1), ["Halima", "Halimah", "Haleema"], ["Halima"],
                ["Halime"], ["حليمة", "حليمه"], ["Халима", "Халимат"]),
    "aliya": G("F", (2, 1), ["Aliya", "Aliyah", "Alia", "Aaliyah"], ["Alia", "Alya"],
               ["Aliye"], ["عالية", "عاليه", "عاليا"], ["Алия"]),
    "madina": G("F", (3, 0.3), ["Madina", "Medina", "Madinah"], ["Madina", "Medina"],
                ["Medine"], ["مدينة", "مدينه", "مادينا"], ["Мадина"]),
    "zarina": G("F", (2, 0), ["Zarina", "Zareena"], ["Zarina"],
                ["Zarina"], ["زارينا", "زرينة"], ["Зарина"]),
    "leila": G("F", (1, 1), ["Leila", "Layla", "Laila", "Leyla"], ["Leila", "Leïla", "Leyla"],
               ["Leyla"], ["ليلى", "ليلي", "ليلا"], ["Лейла", "Лейля", "Лайла"]),
    "nour": G("F", (0.3, 2), ["Nour", "Noor", "Nur"], ["Nour"],
              ["Nur"], ["نور"], ["Нур"]),
    "sara": G("F", (1, 2), ["Sara", "Sarah"], ["Sarah", "Sara", "Sarra"],
              ["Sare", "Sara"], ["سارة", "ساره", "سارا"], ["Сара", "Сарра"]),
    "hana": G("F", (0.3, 1), ["Hana", "Hanaa"], ["Hanae", "Hana", "Hanaa"],
              ["Hana"], ["هناء", "هنا"], ["Хана", "Ханаа"]),
    "salma": G("F", (0.5, 1), ["Salma", "Salmah"], ["Salma", "Selma"],
               ["Selma"], ["سلمى", "سلمي", "سلما"], ["Сальма", "Салма"]),
    "saida": G("F", (0.5, 1), ["Saida", "Saeeda", "Sa'ida"], ["Saïda", "Saida"],
               ["Saide"], ["سعيدة", "سعيده"], ["Саида", "Саидат"]),
    "salima": G("F", (1, 1), ["Salima", "Saleema"], ["Salima"],
                ["Selime"], ["سليمة", "سليمه"], ["Салима", "Салимат"]),
    "fatiha": G("F", (0, 1), ["Fatiha", "Fatihah"], ["Fatiha"],
                ["Fatiha"], ["فتيحة", "فتيحه"], ["Фатиха"]),
    "khalida": G("F", (0.3, 1), ["Khalida", "Khaleda", "Khalidah"], ["Khalida"],
                 ["Halide"], ["خالدة", "خالده"], ["Халида"]),
    "samiya": G("F", (0.3, 1), ["Samiya", "Samia", "Samiyah"], ["Samia", "Samya"],
                ["Samiye"], ["سامية", "ساميه"], ["Самия"]),
    "hanan": G("F", (0, 1), ["Hanan"], ["Hanane", "Hanan"],
               ["Hanan"], ["حنان"], ["Ханан"]),
    "lina": G("F", (0.5, 1), ["Lina", "Leena"], ["Lina", "Lyna"],
              ["Lina"], ["لينا", "لينة"], ["Лина"]),
    "zarema": G("F", (2, 0), ["Zarema"], ["Zarema"],
                ["Zarema"], ["زاريما", "زاريمة"], ["Зарема"]),
    "alina": G("F", (1.5, 0.2), ["Alina"], ["Alina"],
               ["Alina"], ["ألينا", "الينا"], ["Алина"]),
    # men and boys
    "muhammad": G("M", (4, 4), ["Muhammad", "Mohammed", "Mohammad", "Muhammed", "Mohamad"],
                  ["Mohamed", "Mohammed", "Mouhamad"], ["Mehmet", "Muhammed"],
                  ["محمد", "مُحَمَّد", "محمّد"], ["Мухаммад", "Магомед", "Мухаммед", "Мохаммед"]),
    "ahmad": G("M", (2, 2), ["Ahmad", "Ahmed"], ["Ahmed", "Ahmad"],
               ["Ahmet"], ["أحمد", "احمد"], ["Ахмад", "Ахмед", "Ахмат"]),
    "ali": G("M", (2, 2), ["Ali", "Aly"], ["Ali"],
             ["Ali"], ["علي", "على", "عليّ"], ["Али"]),
    "umar": G("M", (2, 2), ["Umar", "Omar"], ["Omar", "Oumar"],
              ["Ömer", "Omer"], ["عمر", "عُمَر"], ["Умар", "Омар"]),
    "yusuf": G("M", (2, 2), ["Yusuf", "Yousef", "Yousuf", "Yusef", "Youssef"], ["Youssef", "Youcef", "Yousef"],
               ["Yusuf"], ["يوسف", "يُوسُف"], ["Юсуф", "Юсуп"]),
    "ibrahim": G("M", (2, 2), ["Ibrahim", "Ebrahim"], ["Brahim", "Ibrahim"],
                 ["İbrahim", "Ibrahim"], ["إبراهيم", "ابراهيم"], ["Ибрагим", "Ибрахим"]),
    "ismail": G("M", (1, 1), ["Ismail", "Ismael", "Esmail"], ["Ismaël", "Smail", "Ismail"],
                ["İsmail", "Ismayil"], ["إسماعيل", "اسماعيل"], ["Исмаил", "Исмаиль"]),
    "abdullah": G("M", (2, 2), ["Abdullah", "Abdallah", "Abd Allah", "Abdulla"], ["Abdallah", "Abdellah"],
                  ["Abdullah"], ["عبد الله", "عبدالله"], ["Абдулла", "Абдуллах"]),
    "abdurrahman": G("M", (1, 1), ["Abdurrahman", "Abdul Rahman", "Abd al-Rahman", "Abdulrahman", "Abdelrahman"],
                     ["Abderrahmane", "Abderahmane", "Abdelrahman"], ["Abdurrahman"],
                     ["عبد الرحمن", "عبدالرحمن", "عبد الرحمان"], ["Абдурахман", "Абдуррахман", "Абдурахмон"]),
    "hamza": G("M", (1, 2), ["Hamza", "Hamzah"], ["Hamza"],
               ["Hamza"], ["حمزة", "حمزه"], ["Хамза", "Гамзат"]),
    "bilal": G("M", (1, 1.5), ["Bilal", "Belal"], ["Bilal", "Bilel"],
               ["Bilal"], ["بلال"], ["Билал"]),
    "khalid": G("M", (1, 1.5), ["Khalid", "Khaled"], ["Khaled", "Khalid"],
                ["Halit", "Halid"], ["خالد"], ["Халид"]),
    "salim": G("M", (1, 1), ["Salim", "Saleem", "Selim"], ["Salim", "Selim"],
               ["Selim"], ["سليم"], ["Салим"]),
    "ilyas": G("M", (1.5, 1), ["Ilyas", "Ilias", "Elias", "Ilyes"], ["Ilyes", "Ilyas", "Elias"],
               ["İlyas"], ["إلياس", "الياس"], ["Ильяс", "Илияс"]),
    "musa": G("M", (1, 1), ["Musa", "Mousa", "Moosa"], ["Moussa"],
              ["Musa"], ["موسى", "موسي"], ["Муса"]),
    "isa": G("M", (1, 1), ["Isa", "Issa", "Eisa"], ["Issa", "Aïssa"],
             ["İsa", "Isa"], ["عيسى", "عيسي"], ["Иса", "Исса"]),
    "adam": G("M", (1.5, 1.5), ["Adam"], ["Adam"],
              ["Adem"], ["آدم", "ادم"], ["Адам"]),
    "timur": G("M", (2, 0.2), ["Timur", "Temur"], ["Timour"],
               ["Timur"], ["تيمور"], ["Тимур"]),
    "rustam": G("M", (2, 0.1), ["Rustam", "Rustem", "Rostam"], ["Roustam"],
                ["Rüstem"], ["رستم"], ["Рустам"]),
    "said": G("M", (1, 1), ["Said", "Saeed", "Saeid"], ["Saïd", "Said"],
              ["Sait", "Said"], ["سعيد"], ["Саид", "Саит"]),
    "hasan": G("M", (1, 1), ["Hasan", "Hassan"], ["Hassan"],
               ["Hasan"], ["حسن", "حَسَن"], ["Хасан", "Гасан"]),
    "husayn": G("M", (1, 1), ["Husayn", "Hussein", "Husein", "Hussain"], ["Hocine", "Houssein", "Hussein"],
                ["Hüseyin", "Huseyin"], ["حسين", "حُسَيْن"], ["Хусейн", "Гусейн", "Хусайн"]),
    "yunus": G("M", (1, 1), ["Yunus", "Younis", "Younes", "Yunis"], ["Younes", "Younès"],
               ["Yunus"], ["يونس"], ["Юнус"]),
    "khalil": G("M", (0.5, 1), ["Khalil", "Khaleel"], ["Khalil"],
                ["Halil"], ["خليل"], ["Халил", "Халиль"]),
    "hamid": G("M", (1, 1), ["Hamid", "Hamed"], ["Hamid"],
               ["Hamit"], ["حامد"], ["Хамид", "Гамид"]),
    "mahmud": G("M", (1, 1), ["Mahmud", "Mahmoud", "Mahmood"], ["Mahmoud"],
                ["Mahmut"], ["محمود"], ["Махмуд"]),
    "hilal": G("M", (0.3, 0.5), ["Hilal", "Helal"], ["Hilal"],
               ["Hilal"], ["هلال"], ["Хилал"]),
    "saad": G("M", (0.3, 1), ["Saad", "Sa'ad"], ["Saad"],
              ["Saad"], ["سعد"], ["Саад"]),
    "amin": G("M", (1, 1), ["Amin", "Ameen"], ["Amine", "Amin"],
              ["Emin"], ["أمين", "امين"], ["Амин"]),
}

# Birth given names of some Western converts (women): Latin forms, Arabic, Cyrillic.
WESTERN_GIVEN = {
    "emilie": (["Emilie", "Émilie"], ["إيميلي", "اميلي"], ["Эмили", "Эмилия"]),
    "laura": (["Laura"], ["لورا"], ["Лаура"]),
    "julia": (["Julia"], ["جوليا", "يوليا"], ["Юлия"]),
    "anna": (["Anna"], ["آنا", "انا"], ["Анна"]),
    "lisa": (["Lisa"], ["ليزا"], ["Лиза"]),
    "sophie": (["Sophie"], ["صوفي"], ["Софи"]),
    "marie": (["Marie"], ["ماري"], ["Мари", "Мария"]),
    "jessica": (["Jessica"], ["جيسيكا"], ["Джессика"]),
    "emma": (["Emma"], ["إيما", "ايما"], ["Эмма"]),
    "chloe": (["Chloé", "Chloe"], ["كلوي"], ["Хлоя", "Хлое"]),
}

# Pairs of genuinely different, similar-looking given names (hard negatives).
SIMILAR_GIVEN = [
    ("amina", "asma"), ("amina", "madina"), ("hana", "hanan"), ("fatima", "fatiha"),
    ("khadija", "khalida"), ("sumayya", "samiya"), ("leila", "lina"), ("halima", "salima"),
    ("zarina", "zarema"), ("aliya", "alina"),
    ("hasan", "husayn"), ("yusuf", "yunus"), ("khalid", "khalil"), ("ahmad", "hamid"),
    ("muhammad", "mahmud"), ("bilal", "hilal"), ("said", "saad"),
    ("salim", "salima"), ("said", "saida"), ("amin", "amina"),
]

# --------------------------------------------------------------------------
# Family names.
#   kind: arabov  Arab name, Russian-style -ov/-ev form for ex-Soviet nationals
#         ovonly  Russian-style surname (ex-Soviet nationals only); base = the
#                 name it derives from, which an Arabic or Western clerk may write
#         arab    Arab family name without article
#         particle  Arab family name with the article al-/el-/ال
#         bin     Ben/bin/ibn + name
#         turk    Turkish family name
#         west    Western family name (converts), nats = where it is common
#   cy_ov: Cyrillic masculine -ov/-ev forms (feminine adds -а)
#   ar_ov: Arabic transliteration of the masculine -ov form (feminine adds ا)
#   tr_ov: Azerbaijani Latin forms of the masculine -ov form
# --------------------------------------------------------------------------

def F(kind, en, fr=None, tr=None, ar=None, cy=None, cy_ov=None, ar_ov=None, tr_ov=None,
      nats=None, sun=False):
    return {"kind": kind, "en": en, "fr": fr or en, "tr": tr or en, "ar": ar, "cy": cy,
            "cy_ov": cy_ov, "ar_ov": ar_ov, "tr_ov": tr_ov, "nats": nats or [], "sun": sun}


FAMILY = {
    "mahmoud": F("arabov", ["Mahmoud", "Mahmud", "Mahmood"], ["Mahmoud"], ["Mahmut"],
                 ["محمود"], ["Махмуд"], ["Махмудов"], "محمودوف"),
    "hassan": F("arabov", ["Hassan", "Hasan"], ["Hassan"], ["Hasan"],
                ["حسن"], ["Хасан"], ["Хасанов", "Гасанов"], "حسنوف", ["Həsənov", "Hasanov"]),
    "hussein": F("arabov", ["Hussein", "Husayn", "Husein", "Hussain"], ["Houssein", "Hocine", "Hussein"],
                 ["Hüseyin"], ["حسين"], ["Хусейн", "Гусейн"], ["Гусейнов", "Хусейнов"], "حسينوف",
                 ["Hüseynov", "Huseynov"]),
    "abdullah": F("arabov", ["Abdullah", "Abdallah"], ["Abdallah", "Abdellah"], ["Abdullah"],
                  ["عبد الله", "عبدالله"], ["Абдулла"], ["Абдуллаев", "Абдулаев"], None, ["Abdullayev"]),
    "ibrahim": F("arabov", ["Ibrahim", "Ebrahim"], ["Brahim", "Ibrahim"], ["İbrahim"],
                 ["إبراهيم", "ابراهيم"], ["Ибрагим"], ["Ибрагимов"], "إبراهيموف", ["İbrahimov"]),
    "khalil": F("arabov", ["Khalil", "Khaleel"], ["Khalil"], ["Halil"],
                ["خليل"], ["Халил"], ["Халилов"], "خليلوف", ["Xəlilov", "Khalilov"]),
    "saleh": F("arabov", ["Saleh", "Salih"], ["Saleh"], ["Salih"],
               ["صالح"], ["Салех", "Салих"], ["Салихов"], "صالحوف", ["Salehov"]),
    "mansour": F("arabov", ["Mansour", "Mansur", "Mansoor"], ["Mansour"], ["Mansur"],
                 ["منصور"], ["Мансур"], ["Мансуров"], "منصوروف", ["Mansurov"]),
    "abbas": F("arabov", ["Abbas"], ["Abbas"], ["Abbas"],
               ["عباس"], ["Аббас"], ["Аббасов", "Абасов"], "عباسوف", ["Abbasov"]),
    "suleiman": F("arabov", ["Suleiman", "Sulaiman", "Sulayman", "Soliman"], ["Slimane", "Soliman"],
                  ["Süleyman"], ["سليمان"], ["Сулейман"], ["Сулейманов"], "سليمانوف", ["Süleymanov"]),
    "ismailov": F("ovonly", ["Ismail"], ["Ismail"], ["İsmayıl"],
                  ["إسماعيل", "اسماعيل"], ["Исмаил"], ["Исмаилов"], "إسماعيلوف", ["İsmayılov", "Ismayilov"]),
    "aliyev": F("ovonly", ["Ali"], ["Ali"], ["Əli"],
                ["علي"], ["Али"], ["Алиев"], "علييف", ["Əliyev", "Aliyev"]),
    "kadyrov": F("ovonly", ["Kadir", "Qadir"], ["Kader"], ["Qədir"],
                 ["قادر"], ["Кадыр"], ["Кадыров"], "قديروف", ["Qədirov", "Kadirov"]),
    "yusupov": F("ovonly", ["Yusuf", "Yusup"], ["Youssef"], ["Yusif"],
                 ["يوسف"], ["Юсуп"], ["Юсупов"], "يوسوبوف", ["Yusifov", "Yusupov"]),
    "saidov": F("ovonly", ["Said", "Saeed"], ["Saïd"], ["Səid"],
                ["سعيد"], ["Саид"], ["Саидов"], "سعيدوف", ["Saidov"]),
    "rahimov": F("ovonly", ["Rahim", "Raheem"], ["Rahim"], ["Rəhim"],
                 ["رحيم"], ["Рахим"], ["Рахимов"], "رحيموف", ["Rəhimov", "Rahimov"]),
    "omarov": F("ovonly", ["Omar", "Umar"], ["Omar"], ["Ömər"],
                ["عمر"], ["Омар"], ["Омаров", "Умаров"], "عمروف", ["Ömərov", "Omarov"]),
    "magomedov": F("ovonly", ["Magomed", "Mohammed"], ["Mohamed"], ["Məhəmməd"],
                   ["محمد"], ["Магомед"], ["Магомедов"], "ماغوميدوف", ["Məhəmmədov", "Magomedov"]),
    "karimov": F("ovonly", ["Karim", "Kareem"], ["Karim"], ["Kərim"],
                 ["كريم"], ["Карим"], ["Каримов"], "كريموف", ["Kərimov", "Karimov"]),
    "nasser": F("arab", ["Nasser", "Naser", "Nasir"], ["Nacer", "Nasser"], ["Nasır"],
                ["ناصر"], ["Насер", "Насир"]),
    "haddad": F("arab", ["Haddad", "Hadad"], ["Haddad"], ["Haddad"],
                ["حداد"], ["Хаддад", "Хадад"]),
    "darwish": F("arab", ["Darwish", "Darwich"], ["Darwich", "Derouiche"], ["Derviş"],
                 ["درويش"], ["Дарвиш"]),
    "hamdan": F("arab", ["Hamdan"], ["Hamdane", "Hamdan"], ["Hamdan"],
                ["حمدان"], ["Хамдан"]),
    "qadi": F("particle", ["Qadi", "Kadi", "Kadhi", "Qazi"], ["Kadi", "Cadi"], ["Kadı"],
              ["قاضي"], ["Кади"]),
    "amin": F("particle", ["Amin", "Ameen"], ["Amine", "Amin"], ["Emin"],
              ["أمين"], ["Амин"]),
    "hashimi": F("particle", ["Hashimi", "Hashemi"], ["Hachimi", "Hachemi"], ["Haşimi"],
                 ["هاشمي"], ["Хашими"]),
    "sharif": F("particle", ["Sharif", "Shareef", "Sherif"], ["Cherif", "Chérif", "Charif"], ["Şerif"],
                ["شريف"], ["Шариф"], sun=True),
    "masri": F("particle", ["Masri", "Masry"], ["Masri"], ["Mısri"],
               ["مصري"], ["Масри"]),
    "benali": F("bin", ["Benali", "Ben Ali", "Ben-Ali", "Bin Ali", "Ibn Ali"], ["Benali", "Ben Ali", "Ben-Ali"],
                ["Benali"], ["بن علي", "بنعلي", "بن على"], ["Бенали", "Бен Али", "бин Али", "Ибн Али"]),
    "benyoussef": F("bin", ["Benyoussef", "Ben Youssef", "Bin Yusuf", "Ibn Yusuf"],
                    ["Benyoussef", "Ben Youssef", "Benyoucef"], ["Benyusuf"],
                    ["بن يوسف", "بنيوسف"], ["Бенюсеф", "Бен Юсуф", "бин Юсуф"]),
    "yilmaz": F("turk", ["Yilmaz", "Yılmaz"], ["Yilmaz"], ["Yılmaz"], ["يلماز"], ["Йылмаз", "Йилмаз"]),
    "kaya": F("turk", ["Kaya"], ["Kaya"], ["Kaya"], ["كايا"], ["Кая", "Кайя"]),
    "demir": F("turk", ["Demir"], ["Demir"], ["Demir"], ["دمير", "ديمير"], ["Демир"]),
    "sahin": F("turk", ["Sahin", "Şahin"], ["Sahin"], ["Şahin"], ["شاهين"], ["Шахин"]),
    "celik": F("turk", ["Celik", "Çelik"], ["Celik"], ["Çelik"], ["جليك", "تشيليك"], ["Челик"]),
    "dubois": F("west", ["Dubois"], ar=["دوبوا"], cy=["Дюбуа"], nats=["FR", "BE"]),
    "martin": F("west", ["Martin"], ar=["مارتن"], cy=["Мартен", "Мартин"], nats=["FR", "BE"]),
    "lambert": F("west", ["Lambert"], ar=["لامبير", "لامبرت"], cy=["Ламбер", "Ламберт"], nats=["FR", "BE"]),
    "peeters": F("west", ["Peeters"], ar=["بيترز"], cy=["Петерс", "Питерс"], nats=["BE", "NL"]),
    "janssens": F("west", ["Janssens"], ar=["يانسنس", "جانسنس"], cy=["Янссенс", "Янсенс"], nats=["BE"]),
    "devries": F("west", ["de Vries", "De Vries", "Devries"], ar=["دي فريس"], cy=["де Врис", "Де Фрис"], nats=["NL"]),
    "jansen": F("west", ["Jansen"], ar=["يانسن", "جانسن"], cy=["Янсен"], nats=["NL", "DE"]),
    "muller": F("west", ["Müller", "Mueller", "Muller"], ar=["مولر", "موللر"], cy=["Мюллер"], nats=["DE"]),
    "schmidt": F("west", ["Schmidt"], ar=["شميت", "شميدت"], cy=["Шмидт"], nats=["DE"]),
    "andersson": F("west", ["Andersson", "Anderson"], ar=["أندرسون", "اندرسون"], cy=["Андерссон", "Андерсон"], nats=["SE"]),
    "johansson": F("west", ["Johansson", "Johanson"], ar=["يوهانسون", "جوهانسون"], cy=["Юханссон", "Йоханссон"], nats=["SE"]),
    "smith": F("west", ["Smith"], ar=["سميث"], cy=["Смит"], nats=["GB"]),
    "jones": F("west", ["Jones"], ar=["جونز"], cy=["Джонс"], nats=["GB"]),
}

# Pairs of different but similar family names (hard negatives).
SIMILAR_FAMILY = [("hassan", "hussein"), ("karimov", "rahimov"), ("saidov", "saleh"), ("khalil", "haddad")]

# --------------------------------------------------------------------------
# Transliteration of Cyrillic into Latin, by the systems clerks actually use.
# --------------------------------------------------------------------------

CY_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}
TRANSLIT = {
    "bgn": {},                                                   # BGN/PCGN-like
    "icao": {"й": "i", "я": "ia", "ю": "iu"},                    # Russian passports since 2013
    "h": {"х": "h"},                                             # informal English
    "simple": {"ж": "j", "дж": "j"},                             # informal English
    "uz": {"х": "x", "ж": "j", "дж": "j", "ы": "i"},              # Uzbek Latin habits
    "fr": {"у": "ou", "ж": "j", "дж": "dj", "ш": "ch", "ч": "tch", "я": "ia", "ю": "iou"},
    "de": {"х": "ch", "ж": "sch", "дж": "dsch", "ш": "sch", "ч": "tsch", "й": "j", "я": "ja",
           "ю": "ju", "з": "s", "ц": "z", "в": "w"},
    "nl": {"у": "oe", "х": "ch", "ж": "zj", "дж": "dzj", "ш": "sj", "ч": "tsj", "й": "j",
           "я": "ja", "ю": "joe"},
}
CY_VOWELS = "аеёиоуыэюя"


def translit(text, system):
    table = TRANSLIT[system]
    out = []
    for part in re.split(r"([ \-])", text):
        if part in ("", " ", "-"):
            out.append(part)
            continue
        low = part.lower()
        res = []
        i = 0
        while i < len(low):
            ch = low[i]
            prev = low[i - 1] if i > 0 else ""
            nxt = low[i + 1] if i + 1 < len(low) else ""
            if ch == "д" and nxt == "ж":
                res.append(table.get("дж", "dzh"))
                i += 2
                continue
            if ch == "е" and (i == 0 or prev in CY_VOWELS + "ьъ"):
                res.append({"de": "je", "nl": "je", "icao": "e", "fr": "e"}.get(system, "ye"))
            elif ch == "с" and system in ("fr", "de") and prev and nxt and prev in CY_VOWELS and nxt in CY_VOWELS:
                res.append("ss")
            elif ch == "г" and system == "fr" and nxt in ("е", "и", "ы") and nxt:
                res.append("gu")
            elif ch == "й" and system == "fr":
                res.append("ï" if prev and prev in CY_VOWELS and not (nxt and nxt in CY_VOWELS) else "i")
            else:
                res.append(table.get(ch, CY_BASE.get(ch, ch)))
            i += 1
        s = "".join(res)
        if part[:1].isupper():
            s = s[:1].upper() + s[1:]
        out.append(s)
    return "".join(out)


# --------------------------------------------------------------------------
# Random helpers
# --------------------------------------------------------------------------

def pick(rng, seq):
    return seq[rng.randrange(len(seq))]


def vpick(rng, seq, p_first=0.5):
    """The usual (first) spelling with probability p_first, else another one."""
    if len(seq) == 1 or rng.random() < p_first:
        return seq[0]
    return seq[1 + rng.randrange(len(seq) - 1)]


def wpick(rng, items):
    total = sum(w for _, w in items)
    r = rng.random() * total
    for item, w in items:
        r -= w
        if r < 0:
            return item
    return items[-1][0]


def chance(rng, p):
    return rng.random() < p


# --------------------------------------------------------------------------
# Identities
# --------------------------------------------------------------------------

YEARS = {"woman": (1975, 2005), "man": (1965, 2000), "child": (2008, 2024)}


def nat_of_group(rng, group):
    if group == "su":
        return wpick(rng, [(n, w) for n, w in NAT_WEIGHTS if n in SU])
    if group == "other":
        return wpick(rng, [(n, w) for n, w in NAT_WEIGHTS if n not in SU])
    return wpick(rng, NAT_WEIGHTS)


def given_pool(sex, nat):
    col = 0 if nat in SU else 1
    return [(k, g["w"][col]) for k, g in GIVEN.items() if g["sex"] == sex and g["w"][col] > 0]


def family_pool(nat):
    pool = []
    for k, f in FAMILY.items():
        kind = f["kind"]
        if nat in SU:
            w = {"ovonly": 2, "arabov": 1}.get(kind, 0)
        elif nat in ARAB:
            w = {"arabov": 1, "arab": 1, "particle": 1,
                 "bin": 1.5 if nat in ("TN", "MA", "DZ") else 0.2}.get(kind, 0)
        elif nat == "TR":
            w = {"turk": 3, "arabov": 0.3}.get(kind, 0)
        else:  # Western
            w = {"arabov": 0.4, "arab": 0.4, "particle": 0.4, "bin": 0.5}.get(kind, 0)
            if kind == "west" and nat in f["nats"]:
                w = 2.5
            if kind == "turk" and nat in ("DE", "NL", "BE", "SE"):
                w = 0.6
        if w > 0:
            pool.append((k, w))
    return pool


def random_date(rng, year):
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


def new_identity(rng, group=None, kind=None, sex=None, gkey=None, fkey=None, nat=None, year=None,
                 father=None):
    if kind is None:
        kind = wpick(rng, [("woman", 0.5), ("child", 0.4), ("man", 0.1)])
    if sex is None:
        sex = {"woman": "F", "man": "M"}.get(kind) or pick(rng, ["F", "M"])
    if nat is None:
        nat = nat_of_group(rng, group)
    if gkey is None:
        gkey = wpick(rng, given_pool(sex, nat))
    if fkey is None:
        fkey = wpick(rng, family_pool(nat))
    if year is None:
        year = rng.randint(*YEARS[kind])
    ident = {
        "gkey": gkey, "fkey": fkey, "sex": sex, "kind": kind, "nat": nat,
        "birth": random_date(rng, year),
        "ov": nat in SU and FAMILY[fkey]["cy_ov"] is not None,
        "father": father or wpick(rng, given_pool("M", nat)),
        "kunya": None, "birth_name": None,
    }
    if kind != "child" and chance(rng, 0.7):
        ident["kunya"] = wpick(rng, given_pool("M", nat))
    if kind == "woman" and FAMILY[fkey]["kind"] == "west" and chance(rng, 0.6):
        ident["birth_name"] = pick(rng, list(WESTERN_GIVEN))
    return ident


# --------------------------------------------------------------------------
# Rendering one identity as one record
# --------------------------------------------------------------------------

def latin_context(rng, nat):
    """Who typed a Latin record: spelling habit and transliteration system."""
    if nat in SU:
        if nat == "AZ":
            style = wpick(rng, [("tr", 0.45), ("ru", 0.25), ("en", 0.2), ("de", 0.1)])
        else:
            style = wpick(rng, [("ru", 0.45), ("en", 0.3), ("fr", 0.1), ("de", 0.1), ("nl", 0.05)])
        if style == "ru":
            system = pick(rng, {"UZ": ["uz", "icao", "bgn"], "TJ": ["bgn", "icao"]}.get(nat, ["icao", "bgn", "icao"]))
        elif style == "en":
            system = wpick(rng, [("bgn", 3), ("simple", 1), ("h", 1)])
        elif style == "tr":
            system = "bgn"
        else:
            system = style
        return {"style": style, "system": system}
    if nat in ("FR", "BE", "MA", "DZ", "TN"):
        style = wpick(rng, [("fr", 0.7), ("en", 0.3)])
    elif nat in ("DE", "NL", "SE"):
        style = wpick(rng, [("en", 0.6), ("de" if nat == "DE" else "nl", 0.4)])
    elif nat == "TR":
        style = wpick(rng, [("tr", 0.7), ("en", 0.3)])
    else:
        style = wpick(rng, [("en", 0.9), ("fr", 0.1)])
    return {"style": style, "system": "bgn"}


def latin_list(entry, style):
    return entry[{"fr": "fr", "tr": "tr"}.get(style, "en")]


def ar_noise(s, rng, feats):
    if any(c in s for c in "أإآ") and chance(rng, 0.2):
        s = s.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
        feats.append("hamza dropped")
    if re.search("ة(\\s|$)", s) and chance(rng, 0.15):
        s = re.sub("ة(\\s|$)", "ه\\1", s)
        feats.append("final ة as ه")
    if re.search("[يى](\\s|$)", s) and chance(rng, 0.08):
        s = re.sub("[يى](\\s|$)", lambda m: ("ى" if m.group(0)[0] == "ي" else "ي") + m.group(1), s)
        feats.append("final ي/ى")
    return s


def render_given_key(rng, gkey, script, ctx, ident, feats):
    g = GIVEN[gkey]
    if script == "arabic":
        return ar_noise(vpick(rng, g["ar"], 0.6), rng, feats)
    if script == "cyrillic":
        return vpick(rng, g["cy"], 0.55)
    style = ctx["style"]
    if ident["nat"] in SU and (style == "ru" or (style in ("en", "fr", "de", "nl") and chance(rng, 0.5))):
        return translit(vpick(rng, g["cy"], 0.55), ctx["system"])
    if chance(rng, 0.12):
        pool = []
        for s in g["en"] + g["fr"] + (g["tr"] if style == "tr" else []):
            if s not in pool:
                pool.append(s)
        return pick(rng, pool)
    return vpick(rng, latin_list(g, style), 0.5)


def render_birth_name(rng, key, script):
    lat, ar, cy = WESTERN_GIVEN[key]
    return {"latin": vpick(rng, lat, 0.6), "arabic": vpick(rng, ar, 0.6), "cyrillic": vpick(rng, cy, 0.6)}[script]


def with_particle(rng, stem, script, style, sun, feats):
    if script == "arabic":
        r = rng.random()
        if r < 0.12:
            feats.append("article dropped")
            return stem
        if r < 0.18:
            feats.append("article detached")
            return "ال " + stem
        return "ال" + stem
    if chance(rng, 0.15):
        feats.append("article dropped")
        return stem
    if script == "cyrillic":
        choices = [("аль-", 3), ("ал-", 2), ("Аль-", 2), ("Аль ", 1), ("Аль", 1)]
        if sun:
            choices.append(("аш-", 3))
        particle = wpick(rng, choices)
    else:
        if style == "fr":
            choices = [("El ", 2), ("el-", 3), ("El-", 1), ("Al-", 1), ("El", 1.5)]
            if sun:
                choices.append(("ech-", 2))
        elif style == "tr":
            choices = [("El-", 1), ("el-", 1), ("Al-", 1)]
        else:
            choices = [("al-", 4), ("Al-", 3), ("Al ", 2), ("al ", 1), ("Al", 1.5), ("el-", 1)]
            if sun:
                choices.append(("ash-", 3))
        particle = wpick(rng, choices)
    if particle.endswith(" "):
        feats.append("article detached")
        return particle + stem
    if particle.endswith("-"):
        return particle + stem
    feats.append("article attached")
    return particle + stem.lower()


def ov_suffix(f, sex):
    base = "ev" if f["cy_ov"][0].endswith("ев") else "ov"
    return "-" + base + ("a" if sex == "F" else "")


def render_family(rng, ident, script, ctx, feats):
    """Returns (text, form) where form is 'ov', 'base' or None."""
    f = FAMILY[ident["fkey"]]
    fem = ident["sex"] == "F"
    style = ctx["style"] if ctx else "en"
    if ident["ov"]:
        if script == "latin":
            p_ov = {"ru": 0.97, "tr": 0.92}.get(style, 0.8)
        elif script == "arabic":
            p_ov = 0 if not f["ar_ov"] else (0.55 if f["kind"] == "ovonly" else 0.35)
        else:
            p_ov = 0.93
        if chance(rng, p_ov):
            if script == "arabic":
                return f["ar_ov"] + ("ا" if fem else ""), "ov"
            if script == "cyrillic":
                return vpick(rng, f["cy_ov"], 0.7) + ("а" if fem else ""), "ov"
            if style == "tr" and f["tr_ov"]:
                return vpick(rng, f["tr_ov"], 0.6) + ("a" if fem else ""), "ov"
            return translit(vpick(rng, f["cy_ov"], 0.7) + ("а" if fem else ""), ctx["system"]), "ov"
        # base form (the name the -ov surname derives from)
        if script == "arabic":
            return ar_noise(vpick(rng, f["ar"], 0.7), rng, feats), "base"
        if script == "cyrillic":
            return vpick(rng, f["cy"], 0.7), "base"
        return vpick(rng, latin_list(f, style), 0.6), "base"
    kind = f["kind"]
    if script == "arabic":
        if kind == "particle":
            return ar_noise(with_particle(rng, f["ar"][0], "arabic", style, f["sun"], feats), rng, feats), None
        return ar_noise(vpick(rng, f["ar"], 0.7), rng, feats), None
    if script == "cyrillic":
        if kind == "particle":
            return with_particle(rng, f["cy"][0], "cyrillic", style, f["sun"], feats), None
        return vpick(rng, f["cy"], 0.6), None
    if kind == "particle":
        return with_particle(rng, vpick(rng, latin_list(f, style), 0.6), "latin", style, f["sun"], feats), None
    return vpick(rng, latin_list(f, style), 0.6), None


KUNYA = {
    ("latin", "F"): {"en": ["Umm", "Um"], "fr": ["Oum", "Om"], "tr": ["Ümmü", "Ummu"]},
    ("latin", "M"): {"en": ["Abu"], "fr": ["Abou"], "tr": ["Ebu", "Abu"]},
    ("arabic", "F"): ["أم", "ام"],
    ("arabic", "M"): ["أبو", "ابو"],
    ("cyrillic", "F"): ["Умм", "Ум"],
    ("cyrillic", "M"): ["Абу"],
}
PATRONYMIC = {
    ("latin", "F"): ["bint", "bent"], ("latin", "M"): ["bin", "ibn", "ben"],
    ("arabic", "F"): ["بنت"], ("arabic", "M"): ["بن"],
    ("cyrillic", "F"): ["бинт"], ("cyrillic", "M"): ["бин", "ибн"],
}


def kunya_text(rng, ident, script, ctx):
    word = KUNYA[(script, ident["sex"])]
    if isinstance(word, dict):
        word = word.get(ctx["style"], word["en"])
    son = render_given_key(rng, ident["kunya"], script, ctx, ident, [])
    return vpick(rng, word, 0.6) + " " + son


def plain_name(rng, ident, script):
    ctx = latin_context(rng, ident["nat"]) if script == "latin" else {"style": "en", "system": "bgn"}
    given = render_given_key(rng, ident["gkey"], script, ctx, ident, [])
    family, _ = render_family(rng, ident, script, ctx, [])
    return given + " " + family


def render(rng, ident, script):
    """One registry record of `ident` in `script`: names, aliases and features."""
    feats = []
    ctx = latin_context(rng, ident["nat"]) if script == "latin" else {"style": "en", "system": "bgn"}
    other = []
    given = render_given_key(rng, ident["gkey"], script, ctx, ident, feats)
    if ident["birth_name"]:
        if script == "latin" and chance(rng, 0.5):
            other.append(given)
            given = render_birth_name(rng, ident["birth_name"], script)
            feats.append("birth name as given, Muslim name as alias")
        elif chance(rng, 0.4 if script == "latin" else 0.25):
            other.append(render_birth_name(rng, ident["birth_name"], script))
            feats.append("birth name as alias")
    family, form = render_family(rng, ident, script, ctx, feats)
    if (not ident["ov"] and ident["nat"] in ARAB
            and chance(rng, {"arabic": 0.06, "latin": 0.02, "cyrillic": 0.02}[script])):
        father = render_given_key(rng, ident["father"], script, ctx, ident, [])
        family = pick(rng, PATRONYMIC[(script, ident["sex"])]) + " " + father + " " + family
        feats.append("bin/bint patronymic in family field")
    if ident["kunya"] and chance(rng, 0.22):
        other.append(kunya_text(rng, ident, script, ctx))
        feats.append("kunya alias")
    if chance(rng, 0.1):
        other_script = pick(rng, [s for s in ("latin", "arabic", "cyrillic") if s != script])
        other.append(plain_name(rng, ident, other_script))
        feats.append("alias in " + other_script)
    if script == "arabic" and chance(rng, 0.05):
        new_given = given.replace("ي", "ی").replace("ى", "ی").replace("ك", "ک")
        new_family = family.replace("ي", "ی").replace("ى", "ی").replace("ك", "ک")
        if (new_given, new_family) != (given, family):
            given, family = new_given, new_family
            feats.append("Persian/Kurdish ی ک")
    if script == "latin":
        r = rng.random()
        if r < 0.04:
            given, family = given.upper(), family.upper()
            feats.append("capitals")
        elif r < 0.16:
            family = family.upper()
            feats.append("family in capitals")
    elif script == "cyrillic" and chance(rng, 0.06):
        family = family.upper()
        feats.append("family in capitals")
    if chance(rng, 0.08 if script == "arabic" else 0.04):
        given, family = family, given
        feats.append("given/family swapped" if script != "arabic" else "family name first")
    return {
        "given": given, "family": family, "other": other, "script": script,
        "sex": {"F": "female", "M": "male"}[ident["sex"]], "birth": "", "nat": ident["nat"],
        "feats": feats, "form": form, "ident": ident,
    }


# --------------------------------------------------------------------------
# Birth dates, nationality and sex as written on each record
# --------------------------------------------------------------------------

def fmt_date(d, precision):
    if precision == "year":
        return "%04d" % d.year
    if precision == "month":
        return "%04d-%02d" % (d.year, d.month)
    if precision == "full":
        return d.isoformat()
    return ""


def random_precision(rng, ident):
    if ident["kind"] == "child" and ident["birth"].year >= 2016:
        return wpick(rng, [("year", 0.25), ("month", 0.1), ("full", 0.65)])
    return wpick(rng, [("year", 0.4), ("month", 0.1), ("full", 0.5)])


PRECISION_NAME = {0: "unknown", 4: "year", 7: "year-month", 10: "full date"}


def shift_year(d, delta):
    try:
        return d.replace(year=d.year + delta)
    except ValueError:  # 29 February
        return d.replace(year=d.year + delta, day=28)


def positive_births(rng, ident, a, b):
    d = ident["birth"]
    pa, pb = random_precision(rng, ident), random_precision(rng, ident)
    scenario = wpick(rng, [("normal", 0.70), ("off by one", 0.12), ("one unknown", 0.10),
                           ("both unknown", 0.02), ("placeholder", 0.04), ("day/month", 0.02)])
    da, db = d, d
    notes = []
    if scenario == "off by one":
        delta = pick(rng, [-1, 1])
        if d.year + delta > YEARS["child"][1]:  # no birth in the future
            delta = -1
        db = shift_year(d, delta)
        notes.append("year off by one")
    elif scenario == "one unknown":
        pb = "none"
        notes.append("birth unknown on one side")
    elif scenario == "both unknown":
        pa = pb = "none"
        notes.append("birth unknown on both sides")
    elif scenario == "placeholder" and (d.month, d.day) != (1, 1):
        db, pb = d.replace(month=1, day=1), "full"
        notes.append("1 January placeholder date")
    elif scenario == "day/month" and d.day <= 12 and d.day != d.month:
        da, db, pa, pb = d, d.replace(month=d.day, day=d.month), "full", "full"
        notes.append("day and month swapped")
    sa, sb = fmt_date(da, pa), fmt_date(db, pb)
    if chance(rng, 0.5):
        sa, sb = sb, sa
    a["birth"], b["birth"] = sa, sb
    if sa and sb and len(sa) != len(sb):
        notes.append("%s vs %s" % (PRECISION_NAME[len(sa)], PRECISION_NAME[len(sb)]))
    return notes


def record_nat_empty_p(ident):
    if ident["kind"] == "child" and ident["birth"].year >= 2016:
        return 0.08
    return 0.02


def positive_nats(rng, ident, a, b):
    nat = ident["nat"]
    na = "" if chance(rng, record_nat_empty_p(ident)) else nat
    nb = "" if chance(rng, record_nat_empty_p(ident)) else nat
    variant = wpick(rng, [("as is", 0.91), ("missing", 0.04), ("second nationality", 0.03),
                          ("code format", 0.02)])
    if variant == "missing":
        nb = ""
    elif variant == "second nationality" and nat in DUAL:
        nb = pick(rng, DUAL[nat])
    elif variant == "code format":
        nb = "UK" if nat == "GB" and chance(rng, 0.5) else ALPHA3[nat]
    if chance(rng, 0.5):
        na, nb = nb, na
    a["nat"], b["nat"] = na, nb
    return nat_notes(na, nb)


def nat_notes(na, nb):
    if na == nb:
        return ["no nationality"] if not na else []
    if not na or not nb:
        return ["nationality missing on one side"]
    if len(na) != 2 or len(nb) != 2:
        return ["nationality %s vs %s (code format)" % (na, nb)]
    return ["nationality %s vs %s" % (na, nb)]


# --------------------------------------------------------------------------
# Notes
# --------------------------------------------------------------------------

def script_note(a, b):
    if a["script"] == b["script"]:
        return "both " + a["script"]
    return a["script"] + " vs " + b["script"]


def name_notes(a, b):
    notes = []
    ia, ib = a["ident"], b["ident"]
    if ia is ib or ia["fkey"] == ib["fkey"]:
        forms = (a["form"], b["form"])
        if "ov" in forms:
            suffix = ov_suffix(FAMILY[ia["fkey"]], ia["sex"]) if a["form"] == "ov" else ov_suffix(FAMILY[ib["fkey"]], ib["sex"])
            if forms == ("ov", "ov"):
                notes.append(suffix + " surname")
            else:
                notes.append(suffix + " vs base form")
    if a["script"] == b["script"] and ia["gkey"] == ib["gkey"]:
        if unicodedata.normalize("NFC", a["given"]).casefold() != unicodedata.normalize("NFC", b["given"]).casefold():
            notes.append("given spelling differs")
    if a["script"] == b["script"] and ia["fkey"] == ib["fkey"]:
        if unicodedata.normalize("NFC", a["family"]).casefold() != unicodedata.normalize("NFC", b["family"]).casefold():
            notes.append("family spelling differs")
    seen = []
    for side, rec in (("A", a), ("B", b)):
        for f in rec["feats"]:
            text = "%s: %s" % (side, f)
            if text not in seen:
                seen.append(text)
    return notes + seen


def join_note(parts):
    return "; ".join(p for p in parts if p)


# --------------------------------------------------------------------------
# Pairs
# --------------------------------------------------------------------------

def group_for(rng, script_pair):
    if "cyrillic" in script_pair:
        return "su" if chance(rng, 0.88) else "other"
    return "su" if chance(rng, 0.3) else "other"


def scripts_of(rng, script_pair):
    s1, s2 = script_pair.split("-")
    return (s1, s2) if chance(rng, 0.5) else (s2, s1)


def make_positive(rng, script_pair):
    ident = new_identity(rng, group_for(rng, script_pair))
    sa, sb = scripts_of(rng, script_pair)
    a, b = render(rng, ident, sa), render(rng, ident, sb)
    notes = [script_note(a, b)] + name_notes(a, b)
    notes += positive_births(rng, ident, a, b)
    notes += positive_nats(rng, ident, a, b)
    if chance(rng, 0.05):
        pick(rng, [a, b])["sex"] = "unknown"
        notes.append("sex unknown on one side")
    return a, b, join_note(notes)


def clamp_year(year, kind):
    lo, hi = YEARS[kind]
    return max(lo, min(hi, year))


def different_given(rng, sex, nat, avoid):
    pool = [(k, w) for k, w in given_pool(sex, nat) if k not in avoid]
    return wpick(rng, pool)


def similar_keys(gkey_a, gkey_b):
    for x, y in SIMILAR_GIVEN:
        if {x, y} == {gkey_a, gkey_b}:
            return True
    return False


def family_label(fkey, nat):
    f = FAMILY[fkey]
    if nat in SU and f["cy_ov"]:
        return translit(f["cy_ov"][0], "bgn")
    return f["en"][0]


def negative_identities(rng, script_pair, kind_of_negative):
    """Two different identities and a note fragment saying how they relate."""
    group = group_for(rng, script_pair)
    if kind_of_negative == "unrelated":
        x = new_identity(rng, group)
        y = new_identity(rng, group if chance(rng, 0.8) else None)
        while y["gkey"] == x["gkey"] and y["fkey"] == x["fkey"]:
            y = new_identity(rng, group)
        return x, y, "unrelated"

    if kind_of_negative == "same given name":
        x = new_identity(rng, group)
        nat = x["nat"] if chance(rng, 0.6) else nat_of_group(rng, group)
        fams = [(k, w) for k, w in family_pool(nat) if k != x["fkey"]]
        delta = wpick(rng, [(0, 0.4), (1, 0.15), (-1, 0.15), (2, 0.15), (-2, 0.15)])
        y = new_identity(rng, kind=x["kind"], sex=x["sex"], gkey=x["gkey"], fkey=wpick(rng, fams),
                         nat=nat, year=clamp_year(x["birth"].year + delta, x["kind"]))
        return x, y, "same given name, different family"

    if kind_of_negative == "same family":
        relation = wpick(rng, [("mother and child", 0.4), ("siblings", 0.35), ("sisters", 0.1),
                               ("father and child", 0.15)])
        if relation in ("mother and child", "father and child"):
            parent_kind = "woman" if relation == "mother and child" else "man"
            x = new_identity(rng, group, kind=parent_kind)
            lo = max(2008, x["birth"].year + (15 if parent_kind == "woman" else 18))
            hi = min(2024, x["birth"].year + (35 if parent_kind == "woman" else 45))
            sex = pick(rng, ["F", "M"])
            y = new_identity(rng, kind="child", sex=sex, gkey=different_given(rng, sex, x["nat"], [x["gkey"]]),
                             fkey=x["fkey"], nat=x["nat"], year=rng.randint(lo, hi),
                             father=x["gkey"] if parent_kind == "man" else x["father"])
            if relation == "mother and child" and sex == "M" and chance(rng, 0.5):
                x["kunya"] = y["gkey"]          # Umm Yusuf and her son Yusuf
            what = "%s and %s" % (parent_kind == "woman" and "mother" or "father",
                                  sex == "F" and "daughter" or "son")
        else:
            kind = "woman" if relation == "sisters" else "child"
            x = new_identity(rng, group, kind=kind)
            sex = "F" if kind == "woman" else pick(rng, ["F", "M"])
            twins = kind == "child" and chance(rng, 0.12)
            gap = 0 if twins else rng.randint(1, 8)
            year = x["birth"].year + pick(rng, [-gap, gap])
            if not YEARS[kind][0] <= year <= YEARS[kind][1]:
                year = x["birth"].year - (year - x["birth"].year)
            y = new_identity(rng, kind=kind, sex=sex, gkey=different_given(rng, sex, x["nat"], [x["gkey"]]),
                             fkey=x["fkey"], nat=x["nat"], year=clamp_year(year, kind), father=x["father"])
            if twins:
                y["birth"] = x["birth"]
            what = "twins" if twins else ("sisters" if kind == "woman" else "siblings")
        return x, y, "same family, different given names (%s)" % what

    if kind_of_negative == "same name":
        relation = wpick(rng, [("mother and daughter", 0.45), ("uncle and nephew", 0.3), ("relatives", 0.25)])
        if relation == "mother and daughter":
            x = new_identity(rng, group, kind="woman")
            lo, hi = max(2008, x["birth"].year + 15), min(2024, x["birth"].year + 35)
            y = new_identity(rng, kind="child", sex="F", gkey=x["gkey"], fkey=x["fkey"], nat=x["nat"],
                             year=rng.randint(lo, hi))
        elif relation == "uncle and nephew":
            x = new_identity(rng, group, kind="man")
            y = new_identity(rng, kind="child", sex="M", gkey=x["gkey"], fkey=x["fkey"], nat=x["nat"],
                             year=rng.randint(max(2008, x["birth"].year + 12), 2024))
        else:
            x = new_identity(rng, group, kind="woman", year=rng.randint(1975, 1995))
            nat = x["nat"]
            if nat in DUAL and chance(rng, 0.2):
                nat = pick(rng, DUAL[nat])
            y = new_identity(rng, kind="woman", sex="F", gkey=x["gkey"], fkey=x["fkey"], nat=nat,
                             year=rng.randint(x["birth"].year + 8, 2005))
        return x, y, "same name, %s" % relation

    # similar name
    if chance(rng, 0.7):
        ga, gb = pick(rng, SIMILAR_GIVEN)
        if chance(rng, 0.5):
            ga, gb = gb, ga
        sa, sb = GIVEN[ga]["sex"], GIVEN[gb]["sex"]
        kind_a = "child" if chance(rng, 0.45) else ("woman" if sa == "F" else "man")
        x = new_identity(rng, group, kind=kind_a, sex=sa, gkey=ga)
        kind_b = "child" if kind_a == "child" else ("woman" if sb == "F" else "man")
        year = clamp_year(x["birth"].year + rng.randint(-3, 3), kind_b)
        same_fam = chance(rng, 0.7)
        nat = x["nat"] if same_fam or chance(rng, 0.5) else nat_of_group(rng, group)
        fkey = x["fkey"] if same_fam else wpick(rng, [(k, w) for k, w in family_pool(nat) if k != x["fkey"]])
        y = new_identity(rng, kind=kind_b, sex=sb, gkey=gb, fkey=fkey, nat=nat, year=year)
        what = "similar given names %s/%s" % (GIVEN[ga]["en"][0], GIVEN[gb]["en"][0])
        if sa != sb:
            what += ", other sex"
        if same_fam:
            what += ", same family"
        return x, y, what
    fa, fb = pick(rng, SIMILAR_FAMILY)
    if chance(rng, 0.5):
        fa, fb = fb, fa
    nat = None
    for _ in range(50):
        nat = nat_of_group(rng, group)
        if any(k == fa for k, _ in family_pool(nat)) and any(k == fb for k, _ in family_pool(nat)):
            break
    else:
        nat = "RU" if FAMILY[fa]["kind"] in ("ovonly", "arabov") and FAMILY[fb]["kind"] in ("ovonly", "arabov") else "IQ"
    x = new_identity(rng, kind=None, nat=nat, fkey=fa)
    y = new_identity(rng, kind=x["kind"], sex=x["sex"], gkey=x["gkey"], fkey=fb, nat=nat,
                     year=clamp_year(x["birth"].year + rng.randint(-2, 2), x["kind"]))
    return x, y, "similar family names %s/%s, same given name" % (family_label(fa, nat), family_label(fb, nat))


def negative_births(rng, x, y, a, b, need_both):
    for rec, ident in ((a, x), (b, y)):
        prec = random_precision(rng, ident)
        if not need_both and chance(rng, 0.07):
            prec = "none"
        rec["birth"] = fmt_date(ident["birth"], prec)
    if a["birth"] and b["birth"]:
        gap = abs(int(a["birth"][:4]) - int(b["birth"][:4]))
        if x["birth"] == y["birth"] and len(a["birth"]) == len(b["birth"]) == 10:
            return ["same birth date"]
        return ["same birth year"] if gap == 0 else ["born %d years apart" % gap if gap > 1 else "born 1 year apart"]
    return ["birth unknown on one side" if (a["birth"] or b["birth"]) else "birth unknown on both sides"]


def compatible_births(sa, sb):
    if not sa or not sb:
        return True
    return abs(int(sa[:4]) - int(sb[:4])) <= 2


def make_negative(rng, script_pair, kind_of_negative):
    x, y, what = negative_identities(rng, script_pair, kind_of_negative)
    if x["gkey"] == y["gkey"] and x["fkey"] == y["fkey"] and x["sex"] == y["sex"]:
        assert abs(x["birth"].year - y["birth"].year) >= 8, (x, y)
    sa, sb = scripts_of(rng, script_pair)
    if chance(rng, 0.5):
        x, y = y, x
    a, b = render(rng, x, sa), render(rng, y, sb)
    need_both = x["gkey"] == y["gkey"] and x["fkey"] == y["fkey"]
    notes = ["different person: " + what]
    notes += negative_births(rng, x, y, a, b, need_both)
    for rec in (a, b):
        if chance(rng, record_nat_empty_p(rec["ident"])):
            rec["nat"] = ""
        if chance(rng, 0.03):
            rec["sex"] = "unknown"
    notes += [script_note(a, b)] + name_notes(a, b)
    if a["nat"] != b["nat"]:
        notes += nat_notes(a["nat"], b["nat"])
    # never emit a negative that no information could separate
    if need_both and x["sex"] == y["sex"]:
        assert not compatible_births(a["birth"], b["birth"]), (a, b)
    return a, b, join_note(notes)


def build(rng):
    slots = []
    for script_pair, n in QUOTAS:
        n_pos = n // 2
        n_neg = n - n_pos
        slots += [(script_pair, "same", None)] * n_pos
        counts = [int(round(n_neg * share)) for _, share in NEGATIVE_MIX]
        counts[0] += n_neg - sum(counts)
        for (kind, _), c in zip(NEGATIVE_MIX, counts):
            slots += [(script_pair, "different", kind)] * c
    rng.shuffle(slots)
    rows = []
    for i, (script_pair, label, kind) in enumerate(slots, 1):
        if label == "same":
            a, b, note = make_positive(rng, script_pair)
        else:
            a, b, note = make_negative(rng, script_pair, kind)
        assert "-".join(sorted([a["script"], b["script"]])) == script_pair
        row = [str(i), script_pair, "1" if label == "same" else "0"]
        for rec in (a, b):
            row += [rec["given"], rec["family"], " | ".join(rec["other"]), rec["sex"], rec["birth"], rec["nat"]]
        row.append(note)
        rows.append([unicodedata.normalize("NFC", v) for v in row])
    return rows


def main():
    rng = random.Random(SEED)
    rows = build(rng)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    sys.stdout.buffer.write(buf.getvalue().encode("utf-8"))


if __name__ == "__main__":
    main()
