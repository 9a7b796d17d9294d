//! Service messages in the user's language: services answer in English (the API's language);
//! pages translate the messages they know by their text, and show the others as they are.

use super::i18n::I18n;

/// Messages the services send, by their English text, and the catalogue key of each.
const MESSAGES: &[(&str, &str)] = &[
    ("is required", "err-required"),
    ("must be at most 200 characters", "err-too-long"),
    ("must be at most 2000 characters", "err-too-long"),
    ("must be at most 10000 characters", "err-too-long"),
    ("must not be in the future", "err-future"),
    ("is before the birth date", "err-before-birth"),
    ("is before the person's birth", "err-before-birth"),
    ("a child must be born after its parent", "err-child-after-parent"),
    ("is not a known facility", "err-unknown-facility"),
    ("is required when a claim is denied or revoked", "err-decision-date-required"),
    (crate::services::registry::persons::ALREADY_LINKED, "err-already-linked"),
    (crate::services::registry::persons::OWN_RELATIVE, "err-self-link"),
    ("no such person in your organisation", "err-no-such-person"),
    (crate::services::registry::claims::ALREADY_CLAIMED, "err-claim-exists"),
    ("is already taken", "err-taken"),
    ("an authority is already recorded from this date", "err-authority-date-taken"),
    ("year must be between 1900 and 2100", "err-year-range"),
    ("month must be between 1 and 12", "err-month-range"),
    ("a day needs a month", "err-day-needs-month"),
    ("an estimated year cannot have a month or day", "err-estimate-no-month"),
    ("margin must be at most 20 years", "err-margin"),
    ("must be between 0 and 120", "err-age-range"),
    ("must not be above age_max", "err-age-order"),
    ("must be an ISO 3166-1 alpha-2 code such as FR", "err-country"),
    ("must be an ISO 3166-1 alpha-2 code such as SY", "err-country"),
    ("must not contain control characters", "err-control"),
    ("must not contain bidirectional override characters", "err-bidi"),
    ("must contain visible characters", "err-invisible"),
    ("must be 2 to 40 lower-case letters, digits or dashes, starting with a letter (e.g. al-hol)", "err-facility-code"),
    // The aging-out window (`domain::policy::aging_window`), and a window that is no number.
    ("must be between 1 and 3650", "err-days-range"),
    ("must be a whole number between 1 and 3650", "err-days-range"),
    (crate::ui::policy_editor::editor::BAD_VERSION, "err-version"),
];

/// A service's message in the user's language (the English text when it has no translation).
pub fn translate(i18n: &I18n, message: &str) -> String {
    if let Some((_, key)) = MESSAGES.iter().find(|(m, _)| *m == message) {
        return i18n.t(key);
    }
    if message.ends_with("is not a known country code") {
        return i18n.t("err-unknown-country");
    }
    if message.starts_with("is required for") {
        return i18n.t("err-facility-required");
    }
    // `2010-02-30 is not a date that exists` (it was `... is not a date`).
    if message.ends_with("is not a date that exists") || message.ends_with("is not a date") {
        return i18n.t("err-not-a-date");
    }
    // `"19x" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD`.
    if message.contains("is not a date: write") {
        return i18n.t("err-partial-date-format");
    }
    // A choice that is not one of an enum's values: `must be one of: camp, prison, ...`.
    if message.starts_with("must be one of:") {
        return i18n.t("err-choice");
    }
    if message.ends_with("is already taken: choose another code") {
        return i18n.t("err-code-taken");
    }
    if message.starts_with("the estimate must stay between") {
        return i18n.t("err-estimate-range");
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn the_domains_reworded_messages_are_still_translated() {
        let ar = I18n::new(Lang::Ar);
        for m in [
            "2010-02-30 is not a date that exists",
            "`19x` is not a date: write YYYY, YYYY-MM or YYYY-MM-DD",
            "must be one of: camp, prison, rehabilitation_centre, other",
            "must not contain control characters",
            "`roj` is already taken: choose another code",
            "year must be between 1900 and 2100",
            "must be between 1 and 3650",
            crate::ui::policy_editor::editor::BAD_VERSION,
        ] {
            let shown = translate(&ar, m);
            assert_ne!(shown, m);
            assert!(!shown.starts_with("err-"), "{m}: a catalogue key is missing");
        }
    }
}
