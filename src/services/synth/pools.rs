//! What synthetic persons are made of: nationalities weighted like the foreign population of
//! Roj and al-Hol (mostly Iraqis in al-Hol, former Soviet states in Roj, about sixty countries in
//! all), and common given and family names per language area, with the spellings and scripts
//! caseworkers meet (Fatima / Fatimah / Fatma / فاطمة / Фатима). Every combination is
//! generated at random: no real person is described.

/// A language area: which names its nationals get, in which scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Arabic names, Latin spelling variants and the Arabic script.
    Arab,
    /// Russian and Central Asian names, Latin and Cyrillic.
    PostSoviet,
    /// European converts and second generation, Latin script (often Arabic given names).
    European,
    /// Turkish, Balkan and other Latin-script areas.
    Other,
}

/// (country code, weight, area).
pub const COUNTRIES: &[(&str, u32, Area)] = &[
    ("IQ", 300, Area::Arab),
    ("SY", 120, Area::Arab),
    ("RU", 70, Area::PostSoviet),
    ("KZ", 45, Area::PostSoviet),
    ("UZ", 40, Area::PostSoviet),
    ("TJ", 35, Area::PostSoviet),
    ("AZ", 25, Area::PostSoviet),
    ("KG", 20, Area::PostSoviet),
    ("TR", 30, Area::Other),
    ("TN", 30, Area::Arab),
    ("MA", 20, Area::Arab),
    ("EG", 12, Area::Arab),
    ("SA", 8, Area::Arab),
    ("JO", 8, Area::Arab),
    ("LB", 8, Area::Arab),
    ("LY", 8, Area::Arab),
    ("DZ", 8, Area::Arab),
    ("YE", 6, Area::Arab),
    ("SD", 4, Area::Arab),
    ("KW", 3, Area::Arab),
    ("PS", 4, Area::Arab),
    ("FR", 25, Area::European),
    ("DE", 20, Area::European),
    ("BE", 12, Area::European),
    ("NL", 10, Area::European),
    ("GB", 10, Area::European),
    ("SE", 8, Area::European),
    ("DK", 5, Area::European),
    ("AT", 5, Area::European),
    ("ES", 4, Area::European),
    ("IT", 4, Area::European),
    ("NO", 3, Area::European),
    ("FI", 3, Area::European),
    ("CH", 2, Area::European),
    ("IE", 1, Area::European),
    ("PT", 1, Area::European),
    ("US", 4, Area::European),
    ("CA", 3, Area::European),
    ("AU", 4, Area::European),
    ("BA", 6, Area::Other),
    ("XK", 6, Area::Other),
    ("AL", 4, Area::Other),
    ("MK", 3, Area::Other),
    ("GE", 4, Area::PostSoviet),
    ("UA", 4, Area::PostSoviet),
    ("BY", 1, Area::PostSoviet),
    ("TM", 3, Area::PostSoviet),
    ("AM", 1, Area::PostSoviet),
    ("ID", 8, Area::Other),
    ("MY", 4, Area::Other),
    ("PH", 2, Area::Other),
    ("PK", 5, Area::Other),
    ("AF", 4, Area::Other),
    ("IN", 2, Area::Other),
    ("BD", 2, Area::Other),
    ("CN", 4, Area::Other),
    ("SO", 3, Area::Arab),
    ("NG", 2, Area::Other),
    ("SN", 1, Area::Other),
    ("TT", 2, Area::European),
];

/// A given name: Latin spellings (the first is the usual one), Arabic and Cyrillic forms.
pub struct Given {
    pub latin: &'static [&'static str],
    pub arabic: &'static str,
    pub cyrillic: &'static str,
}

const fn g(latin: &'static [&'static str], arabic: &'static str, cyrillic: &'static str) -> Given {
    Given { latin, arabic, cyrillic }
}

/// Women's given names.
pub const FEMALE: &[Given] = &[
    g(&["Fatima", "Fatimah", "Fatma"], "فاطمة", "Фатима"),
    g(&["Khadija", "Khadijah", "Hadija"], "خديجة", "Хадижат"),
    g(&["Aisha", "Aicha", "Ayesha"], "عائشة", "Айша"),
    g(&["Maryam", "Mariam", "Meryem"], "مريم", "Марьям"),
    g(&["Zaynab", "Zainab", "Zeynep"], "زينب", "Зайнаб"),
    g(&["Amina", "Aminah", "Emine"], "أمينة", "Амина"),
    g(&["Safiya", "Safiyya", "Safia"], "صفية", "Сафия"),
    g(&["Ruqayya", "Ruqaya", "Rukiye"], "رقية", "Рукия"),
    g(&["Asma", "Esma"], "أسماء", "Асма"),
    g(&["Hafsa", "Hafsah"], "حفصة", "Хафса"),
    g(&["Sumaya", "Sumayyah", "Sumeyye"], "سمية", "Сумайя"),
    g(&["Layla", "Leila", "Leyla"], "ليلى", "Лейла"),
    g(&["Nour", "Noor", "Nur"], "نور", "Нур"),
    g(&["Huda", "Hoda"], "هدى", "Худа"),
    g(&["Salma", "Selma"], "سلمى", "Салма"),
    g(&["Madina", "Medina"], "مدينة", "Мадина"),
    g(&["Zulfiya", "Zulfia"], "زلفية", "Зульфия"),
    g(&["Dilnoza", "Dilnaza"], "دلنوزة", "Дильноза"),
    g(&["Aizada", "Ayzada"], "آيزادة", "Айзада"),
    g(&["Gulnara", "Gulnora"], "كلنارة", "Гульнара"),
];

/// Men's given names.
pub const MALE: &[Given] = &[
    g(&["Muhammad", "Mohammed", "Mehmet"], "محمد", "Мухаммад"),
    g(&["Ahmad", "Ahmed", "Akhmed"], "أحمد", "Ахмед"),
    g(&["Yusuf", "Youssef", "Yusup"], "يوسف", "Юсуф"),
    g(&["Ibrahim", "Ebrahim", "Ibragim"], "إبراهيم", "Ибрагим"),
    g(&["Umar", "Omar", "Omer"], "عمر", "Умар"),
    g(&["Abdullah", "Abdallah", "Abdulla"], "عبد الله", "Абдулла"),
    g(&["Hamza", "Hamzah"], "حمزة", "Хамза"),
    g(&["Ali", "Aly"], "علي", "Али"),
    g(&["Khalid", "Khaled", "Halid"], "خالد", "Халид"),
    g(&["Bilal", "Belal"], "بلال", "Билал"),
    g(&["Ismail", "Ismael", "Ismoil"], "إسماعيل", "Исмаил"),
    g(&["Adam", "Adem"], "آدم", "Адам"),
    g(&["Musa", "Moussa"], "موسى", "Муса"),
    g(&["Isa", "Issa"], "عيسى", "Иса"),
    g(&["Rustam", "Rostam"], "رستم", "Рустам"),
    g(&["Timur", "Temur"], "تيمور", "Тимур"),
    g(&["Zaur", "Zavur"], "زاور", "Заур"),
    g(&["Anas", "Enes"], "أنس", "Анас"),
    g(&["Salman", "Selman"], "سلمان", "Салман"),
    g(&["Nuh", "Nouh"], "نوح", "Нух"),
];

/// Family names of an area: (Latin, other script), the other script in the area's own.
pub fn family_names(area: Area) -> &'static [(&'static str, &'static str)] {
    match area {
        Area::Arab => &[
            ("al-Obeidi", "العبيدي"),
            ("al-Dulaimi", "الدليمي"),
            ("al-Jubouri", "الجبوري"),
            ("al-Shammari", "الشمري"),
            ("Haddad", "حداد"),
            ("Ben Salah", "بن صالح"),
            ("Trabelsi", "الطرابلسي"),
            ("Chakiri", "الشاكري"),
            ("al-Hassan", "الحسن"),
            ("Mansour", "منصور"),
            ("Khalil", "خليل"),
            ("Saleh", "صالح"),
            ("Ayari", "العياري"),
            ("al-Rawi", "الراوي"),
            ("Hamdan", "حمدان"),
        ],
        Area::PostSoviet => &[
            ("Yusupov", "Юсупов"),
            ("Nazarov", "Назаров"),
            ("Saidov", "Саидов"),
            ("Tursunov", "Турсунов"),
            ("Rakhimov", "Рахимов"),
            ("Galimov", "Галимов"),
            ("Zhumabaev", "Жумабаев"),
            ("Mamatov", "Маматов"),
            ("Temirkhanov", "Темирханов"),
            ("Qodirov", "Кадыров"),
            ("Aliev", "Алиев"),
            ("Ismailov", "Исмаилов"),
            ("Karimov", "Каримов"),
            ("Sultanov", "Султанов"),
            ("Umarov", "Умаров"),
        ],
        Area::European => &[
            ("Mercier", ""),
            ("Dubois", ""),
            ("Wagner", ""),
            ("Bakker", ""),
            ("Peeters", ""),
            ("Berglund", ""),
            ("Pemberton", ""),
            ("Caldwell", ""),
            ("Girard", ""),
            ("Ekström", ""),
            ("Jensen", ""),
            ("Fischer", ""),
            ("Janssens", ""),
            ("Moreau", ""),
            ("Schneider", ""),
        ],
        Area::Other => &[
            ("Yilmaz", ""),
            ("Demir", ""),
            ("Rexhepi", ""),
            ("Hodžić", ""),
            ("Krasniqi", ""),
            ("Hidayat", ""),
            ("Rahman", ""),
            ("Khan", ""),
            ("Celik", ""),
            ("Begić", ""),
            ("Santoso", ""),
            ("Abdullahi", ""),
            ("Osmani", ""),
            ("Kaya", ""),
            ("Shehu", ""),
        ],
    }
}

/// The feminine form of a post-Soviet family name (Yusupov -> Yusupova, Юсупов -> Юсупова).
pub fn feminine(name: &str, area: Area) -> String {
    if area != Area::PostSoviet {
        name.to_string()
    } else if name.ends_with("ov") || name.ends_with("ev") {
        format!("{name}a")
    } else if name.ends_with("ов") || name.ends_with("ев") {
        format!("{name}а")
    } else {
        name.to_string()
    }
}
