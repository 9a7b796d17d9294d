#!/usr/bin/env python3
"""Writes tests/fixtures/import_500.csv: 500 rows of fictional families for the import tests.

Headers in four languages; names in Latin, Arabic and Cyrillic; dates as people write them;
kinship by person key; and, on purpose:
- five rows with one problem each (their notes say which): an impossible date, an unknown
  facility, an unknown country, a relative that is no row, a formula;
- one woman written twice, in Latin and in Arabic script, in two families (a duplicate within
  the file);
- "Khadija Ismailova", whom the test logs first as "Хадиджа Исмаилова" (a duplicate in the
  registry).
Deterministic: run it again and the file is the same. Every person is fictional.
"""
import argparse, csv, random, os

args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
args.add_argument("--rows", type=int, default=500, help="rows (500: the test fixture; more: a bench file of clean rows)")
args.add_argument("--out", default=None, help="where to write (default tests/fixtures/import_500.csv)")
opts = args.parse_args()
random.seed(11)
HEADERS = ["family", "person_key", "Prénom", "Фамилия", "other_names", "sex", "تاريخ الميلاد",
           "nationality", "nationality_status", "decision_date", "facility", "held_since",
           "relation", "relative", "wish", "notes"]
MOTHERS = [
    ("Amina", "Latin"), ("Fatima", "Latin"), ("Maryam", "Latin"), ("Zaynab", "Latin"), ("Salma", "Latin"),
    ("Леила", "Cyrillic"), ("Мадина", "Cyrillic"), ("Зарина", "Cyrillic"), ("Патимат", "Cyrillic"),
    ("سارة", "Arabic"), ("نور", "Arabic"), ("هدى", "Arabic"), ("رقية", "Arabic"),
]
CHILDREN = {
    "Latin": (["Yusuf", "Ibrahim", "Adam", "Ilyas", "Hamza", "Umar"], ["Hafsa", "Asiya", "Safiya", "Ruqayya"]),
    "Cyrillic": (["Юсуф", "Ибрагим", "Адам", "Ильяс", "Хамза"], ["Хафса", "Асия", "Сафия", "Амина"]),
    "Arabic": (["يوسف", "إبراهيم", "آدم", "إلياس", "حمزة"], ["حفصة", "آسية", "صفية", "مريم"]),
}
FAMILY = {
    "Latin": ["Benali", "Dubois", "Hassan", "Jansen", "Kowalczyk", "Lambert", "Moreau", "Nilsson", "Petit", "Haddad"],
    "Cyrillic": ["Алиева", "Гаджиева", "Исмаилова", "Магомедова", "Рахимова", "Юсупова", "Каримова"],
    "Arabic": ["الحسن", "العلي", "الخطيب", "النجار", "الحداد", "الشامي"],
}
NATION = {"Latin": ["FR", "BE", "NL", "DE", "SE", "TN", "MA"], "Cyrillic": ["RU", "TJ", "KZ", "UZ"], "Arabic": ["IQ", "TN", "MA", "EG"]}
FACILITIES = ["al-Hol", "Roj", "roj", "AL-HOL"]
WRITTEN_YEAR = ["{y}", "~{y}", "about {y}", "03/{y}", "{y}-05-14", "14/05/{y}", "حوالي {y}", "около {y}"]

rows = []
family_no = 0
BODY = 490 if opts.rows == 500 else opts.rows
while len(rows) < BODY:
    family_no += 1
    fam = f"F{family_no:03d}"
    mother, script = random.choice(MOTHERS)
    surname = random.choice(FAMILY[script])
    nation = random.choice(NATION[script])
    status = random.choice(["claimed"] * 6 + ["verified", "unverified"])
    facility = random.choice(FACILITIES)
    held = random.choice(["2019", "03/2019", "2019-04-02", ""]) or "2019"
    year = random.randint(1975, 2000)
    born = random.choice(WRITTEN_YEAR).format(y=year)
    rows.append([fam, f"{fam}-1", mother, surname, "", "female", born, nation, status, "", facility, held,
                 "", "", random.choice(["go_home", "go_home", "undecided", ""]), ""])
    for c in range(random.randint(0, 6)):
        boys, girls = CHILDREN[script]
        male = random.random() < 0.5
        name = random.choice(boys if male else girls)
        cyear = random.randint(max(year + 17, 2005), 2022)
        rows.append([fam, f"{fam}-{c + 2}", name, surname.rstrip("а") if male and script == "Cyrillic" else surname, "",
                     "male" if male else "female", random.choice(["{y}", "{y}-02", "~{y}"]).format(y=cyear), nation,
                     status, "", facility, held, random.choice(["child_of", "son of" if male else "daughter of"]),
                     f"{fam}-1", "", ""])

# Children refer back to their mother's row: cutting the tail keeps every reference.
rows = rows[:BODY]
if opts.rows != 500:
    # A bench file: clean rows only, with keys that differ from the fixture's.
    rows = [[f"B{r[0]}", f"B{r[1]}"] + r[2:12] + [r[12], f"B{r[13]}" if r[13] else ""] + r[14:] for r in rows]
    with open(opts.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {opts.out}")
    raise SystemExit(0)
# A woman written twice: in Latin in one family, in Arabic in another.
rows.append(["D1", "D1-1", "Aisha", "Makhmudova", "", "female", "1990", "RU", "claimed", "", "Roj", "2019", "", "", "", ""])
rows.append(["D2", "D2-1", "عائشة", "محمود", "", "female", "~1990", "RU", "claimed", "", "al-Hol", "2019", "", "", "", ""])
# Logged in the registry before the import, in Cyrillic.
rows.append(["D3", "D3-1", "Khadija", "Ismailova", "Хадиджа Исмаилова", "female", "1985", "RU", "claimed", "",
             "al-Hol", "2019", "", "", "", ""])
# One problem each.
rows.append(["E1", "E1-1", "Hiba", "Errorova", "", "female", "31/02/1990", "RU", "claimed", "", "Roj", "2019", "", "", "", "bad date"])
rows.append(["E2", "E2-1", "Houda", "Errorova", "", "female", "1990", "RU", "claimed", "", "Camp Nowhere", "2019", "", "", "", "unknown facility"])
rows.append(["E3", "E3-1", "Hanan", "Errorova", "", "female", "1990", "Narnia", "claimed", "", "Roj", "2019", "", "", "", "unknown country"])
rows.append(["E4", "E4-1", "Huda", "Errorova", "", "female", "2015", "RU", "claimed", "", "Roj", "2019", "child_of", "F999-9", "", "missing relative"])
rows.append(["E5", "E5-1", "Hala", "Errorova", "", "female", "1990", "RU", "claimed", "", "Roj", "2019", "", "", "", "=1+1"])
# Denied and revoked claims with their decision dates.
rows.append(["R1", "R1-1", "Sophie", "Revokedson", "Umm Adam", "female", "1992", "GB", "revoked", "2019-02-19", "Roj", "2019", "", "", "stay_in_region", ""])
rows.append(["R1", "R1-2", "Adam", "Revokedson", "", "male", "2018", "GB", "claimed", "", "Roj", "2019", "child_of", "R1-1", "", ""])
assert len(rows) == 500, len(rows)

out = opts.out or os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "import_500.csv")
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(HEADERS)
    w.writerows(rows)
print(f"wrote {len(rows)} rows to {os.path.normpath(out)}")
