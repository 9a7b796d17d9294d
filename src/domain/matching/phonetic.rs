//! One name word in forms that compare across scripts and spellings: folded (`search_key`),
//! transliterated to Latin, a **phonetic** Latin form in which the spellings people really
//! write meet (`kh/h/x`, `dzh/dj/zh/j`, `ou/oo/u/o`, `e/i/y`, doubled letters, a final `h`),
//! and a **skeleton** of consonant classes, which is how an Arabic name (written without short
//! vowels) meets its Latin and Cyrillic spellings.

use crate::domain::names::{detect_script, search_key};
use crate::domain::person::Script;

/// A name word in comparable forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// As written, folded (case, accents, Arabic diacritics and letter variants).
    pub folded: String,
    pub script: Script,
    /// The phonetic Latin form (vowels kept; from Arabic script only consonants are certain).
    pub phonetic: String,
    /// Consonant classes, vowels and semivowels left out.
    pub skeleton: String,
}

impl Word {
    /// The comparable forms of one folded word.
    pub fn new(folded: &str) -> Word {
        let script = detect_script(folded);
        let latin = match script {
            Script::Arabic => arabic_to_latin(folded),
            Script::Cyrillic => cyrillic_to_latin(folded),
            _ => latin_ascii(folded),
        };
        let phonetic = phonetic(&abd_compound(&latin));
        let skeleton = skeleton(&phonetic);
        Word { folded: folded.to_string(), script, phonetic, skeleton }
    }

    /// True when the word came from Arabic script (its vowels are guesses).
    pub fn vowelless(&self) -> bool {
        self.script == Script::Arabic
    }
}

/// The words of a name, folded, with articles and "son of" particles left out, `Abd al-X`
/// joined into one word, kunyas (`Umm Yusuf`, `Abu Bakr`) kept as one word marked `umm `/`abu `,
/// and the Arabic article `ال` taken off a word.
pub fn words(name: &str) -> Vec<String> {
    // Persian and Kurdish letter forms of Arabic letters, which the search key keeps apart.
    let folded: String = search_key(name)
        .chars()
        .map(|c| match c {
            'ی' | 'ې' => 'ي',
            'ک' => 'ك',
            'ە' | 'ۀ' => 'ه',
            c => c,
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut parts = folded.split(' ').filter(|w| !w.is_empty()).peekable();
    while let Some(w) = parts.next() {
        if is_particle(w) {
            continue;
        }
        if let Some(kunya) = kunya(w) {
            while parts.peek().is_some_and(|n| is_particle(n)) {
                parts.next();
            }
            if let Some(next) = parts.next() {
                // The marker in the name's own script, so that it transliterates with it.
                let marker = match (kunya, detect_script(next)) {
                    ("umm", Script::Arabic) => "ام",
                    ("abu", Script::Arabic) => "ابو",
                    ("umm", Script::Cyrillic) => "умм",
                    ("abu", Script::Cyrillic) => "абу",
                    (k, _) => k,
                };
                out.push(format!("{marker} {next}"));
                continue;
            }
        }
        if is_abd(w) {
            while parts.peek().is_some_and(|n| is_particle(n)) {
                parts.next();
            }
            if let Some(next) = parts.peek().copied() {
                parts.next();
                let next = strip_article(next);
                let abd = match detect_script(w) {
                    Script::Arabic => "عبد",
                    Script::Cyrillic => "абд",
                    _ => "abd",
                };
                out.push(format!("{abd}{next}"));
                continue;
            }
        }
        out.push(w.to_string());
    }
    // A name that is nothing but a particle ("Ben") is still a name.
    if out.is_empty() {
        out.extend(folded.split(' ').filter(|w| !w.is_empty()).map(str::to_string));
    }
    out
}

fn is_particle(w: &str) -> bool {
    matches!(
        w,
        "al" | "el"
            | "ul"
            | "ал"
            | "эль"
            | "аль"
            | "ال"
            | "bin"
            | "ibn"
            | "ben"
            | "bint"
            | "бин"
            | "ибн"
            | "бинт"
            | "بن"
            | "ابن"
            | "بنت"
            | "binti"
            | "de"
            | "d"
    )
}

/// `umm` or `abu` for a kunya's first word.
fn kunya(w: &str) -> Option<&'static str> {
    match w {
        "umm" | "um" | "oum" | "omm" | "умм" | "ум" | "ام" => Some("umm"),
        "abu" | "abou" | "abo" | "абу" | "ابو" => Some("abu"),
        _ => None,
    }
}

fn is_abd(w: &str) -> bool {
    matches!(w, "abd" | "abdul" | "abdel" | "abdal" | "abdu" | "abdur" | "abdoul" | "абд" | "абдул" | "абдель" | "عبد")
}

/// The Arabic article taken off a longer word (`القاضي` -> `قاضي`).
fn strip_article(w: &str) -> String {
    match w.strip_prefix("ال") {
        Some(rest) if rest.chars().count() >= 3 => rest.to_string(),
        _ => w.to_string(),
    }
}

/// The forms a name word may stand for: itself, or without an article written attached
/// (`الياس` is Ilyas, `القاضي` is al-Qadi; `Elhachemi` is el-Hachemi), each without a Slavic
/// surname ending when it has one (`Makhmudova`, `Махмудова`, `محمودوفا` -> `Makhmud`: the
/// ending is grammar, not the name).
pub fn forms(w: &str) -> Vec<String> {
    let mut out = vec![w.to_string()];
    let stripped = strip_article(w);
    if stripped != w {
        out.push(stripped);
    }
    for article in ["al", "el"] {
        if let Some(rest) = w.strip_prefix(article).filter(|r| r.len() >= 4 && r.is_ascii()) {
            out.push(rest.to_string());
        }
    }
    // The stem comes first (it finds the name in the dictionary); the word itself stays, since
    // an Arabic ending `وف`/`يف` may be the name's own (`معروف`, `لطيف`).
    let mut all = Vec::new();
    for f in out {
        all.extend(without_suffix(&f));
        all.push(f);
    }
    all
}

/// A surname without `-ov`, `-ova`, `-ev`, `-eva` (in Latin, German or Polish spelling,
/// Cyrillic or Arabic script), when a stem of three letters or more remains.
pub fn without_suffix(w: &str) -> Option<String> {
    ["ova", "eva", "owa", "ewa", "ov", "ev", "ow", "ew", "ова", "ева", "ов", "ев", "وفا", "يفا", "وف", "يف"]
        .iter()
        .find_map(|s| w.strip_suffix(s))
        .filter(|stem| stem.chars().count() >= 3)
        .map(str::to_string)
}

/// `abd` + the rest, whatever the article's spelling: `abdurrahman`, `abdulrahman`,
/// `abd al-rahman` and `abdurakhman` all become `abdrahman`/`abdrakhman`.
fn abd_compound(latin: &str) -> String {
    let Some(rest) = latin.strip_prefix("abd") else { return latin.to_string() };
    if rest.len() < 3 {
        return latin.to_string();
    }
    for article in ["ul", "al", "el", "ol", "il"] {
        if let Some(r) = rest.strip_prefix(article) {
            if r.len() >= 2 {
                return format!("abd{r}");
            }
        }
    }
    let b = rest.as_bytes();
    if is_vowel(b[0] as char) {
        // The article assimilated to the next letter (`abdur-rahman`): drop its vowel and the
        // doubled consonant's first half.
        let skip = if b.len() > 2 && b[1] == b[2] { 2 } else { 1 };
        return format!("abd{}", &rest[skip..]);
    }
    latin.to_string()
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Latin letters that decomposition leaves alone, as ASCII.
fn latin_ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ı' => "i".to_string(),
            'ø' => "o".to_string(),
            'æ' => "ae".to_string(),
            'ß' => "ss".to_string(),
            'đ' | 'ð' => "d".to_string(),
            'ə' => "a".to_string(),
            'ł' => "l".to_string(),
            'ʿ' | 'ʾ' | '\'' | '`' | '’' => String::new(),
            c => c.to_string(),
        })
        .collect()
}

/// Cyrillic (Russian, with the Central Asian letters) to Latin as Russian transliteration
/// writes Arabic names (`Хадиджа` -> `khadidzha`).
pub fn cyrillic_to_latin(s: &str) -> String {
    let s = s.replace("дж", "j");
    s.chars()
        .map(|c| match c {
            'а' | 'ә' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'ғ' => "gh",
            'д' => "d",
            'е' | 'э' => "e",
            'ж' | 'ҷ' => "zh",
            'з' => "z",
            'и' | 'і' => "i",
            'й' => "y",
            'к' => "k",
            'қ' => "q",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'ң' => "ng",
            'о' | 'ө' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' | 'ұ' | 'ү' | 'ў' => "u",
            'ф' => "f",
            'х' | 'ҳ' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            'ъ' | 'ь' => "",
            'j' => "j",
            _ => "",
        })
        .collect()
}

/// Arabic script (folded) to Latin consonants, long vowels as vowels; `ع` and hamza, which
/// Latin spellings mostly leave out, are left out.
pub fn arabic_to_latin(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        let last = i + 1 == chars.len();
        out.push_str(match c {
            'ا' | 'آ' => "a",
            'ب' => "b",
            'ت' => "t",
            'ث' => "th",
            'ج' => "j",
            'ح' => "h",
            'خ' => "kh",
            'د' => "d",
            'ذ' => "dh",
            'ر' => "r",
            'ز' => "z",
            'س' => "s",
            'ش' => "sh",
            'ص' => "s",
            'ض' => "d",
            'ط' => "t",
            'ظ' => "z",
            'غ' => "gh",
            'ف' | 'پ' => "f",
            'ق' => "q",
            'ك' | 'ک' => "k",
            'گ' => "g",
            'ل' => "l",
            'م' => "m",
            'ن' => "n",
            // A final ha is mostly a ta marbuta folded (`فاطمة` -> `فاطمه`): a vowel.
            'ه' if last => "a",
            'ه' => "h",
            'و' => "u",
            'ي' | 'ی' => "i",
            _ => "",
        });
    }
    out
}

/// The phonetic Latin form: the spelling variants of Arabic-origin names in Latin and
/// Cyrillic transliteration brought together, doubled letters collapsed.
pub fn phonetic(latin: &str) -> String {
    let mut s = latin.to_string();
    for (from, to) in [
        ("dzh", "j"),
        ("dsch", "j"),
        ("dj", "j"),
        ("zh", "j"),
        ("sch", "s"),
        ("sh", "s"),
        ("ch", "s"),
        ("kh", "h"),
        ("gh", "g"),
        ("ph", "f"),
        ("th", "t"),
        ("dh", "d"),
        ("ck", "k"),
        ("x", "h"),
        ("q", "k"),
        ("c", "k"),
        ("w", "v"),
        ("ou", "u"),
        ("oo", "u"),
        ("ee", "i"),
        ("ai", "i"),
        ("ay", "i"),
        ("ei", "i"),
        ("ey", "i"),
    ] {
        s = s.replace(from, to);
    }
    let mut out = String::new();
    for c in s.chars() {
        let c = match c {
            'o' => 'u',
            'e' | 'y' => 'i',
            c => c,
        };
        if out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    // A final h after a vowel is not heard (`Fatimah`, `Aishah`).
    if out.len() > 2 && out.ends_with('h') && out[..out.len() - 1].ends_with(['a', 'i', 'u']) {
        out.pop();
    }
    out
}

/// The consonant classes of a phonetic form: vowels, `v` (Arabic `و` is written `w`, `v` and
/// `u`) and a final `h` left out; `g` joins `h` (Russian writes Arabic `h` as `г`: Ибрагим) and
/// `p` joins `b`.
pub fn skeleton(phonetic: &str) -> String {
    let mut out = String::new();
    for c in phonetic.chars() {
        let class = match c {
            'a' | 'i' | 'u' | 'v' => continue,
            'g' => 'h',
            'p' => 'b',
            c if c.is_ascii_alphabetic() => c,
            _ => continue,
        };
        if !out.ends_with(class) {
            out.push(class);
        }
    }
    out
}
