# policy_editor pages (issue 8): the rule editor, the simulation page, the publish and retire
# confirmations (src/ui/policy_editor/, web/templates/policies/).

## Periods and the timeline
pe-period-from-to = from { $from } to { $to }
pe-period-from = from { $from }, open-ended
pe-period-to = until { $to }
pe-period-none = no dates yet (a draft gets them when published)
pe-in-force = in force today
pe-retired-on = retired on { $date }
pe-simulate-draft = Simulate this draft
pe-set-aside = Set this draft aside…

## The editor
pe-about = About this version
pe-rules-title = Rules
pe-rules-hint = The first rule that matches a person decides. The last rule is the default ("in every other case"). Buttons below change the form only: nothing is stored until you save the draft.
pe-refresh = Apply the changes (not saved yet)
pe-rule-title = Rule { $n }
pe-rule-incomplete = This rule is not complete yet: see the messages on it.
pe-condition = Condition
pe-sub-title = Sub-condition { $pos }
pe-type = Type of condition
pe-show-fields = Show its fields
pe-add-sub = Add a sub-condition
pe-remove-sub = Remove this sub-condition
pe-years = Years
pe-date = Date
pe-authorities = Authorities in control (one per line)
pe-authorities-hint = Exact names, as recorded on the facilities. Recorded now:
pe-outcome = Outcome
pe-return-conditions = Return conditions
pe-return-conditions-hint = Only for the outcome "eligible with conditions": tick at least one.
pe-explanation = Explanation
pe-explanation-in = Explanation in { $lang }
pe-lang-en = English (required)
pe-lang-ar = Arabic (optional)
pe-lang-ku = Kurdish
pe-lang-ru = Russian
pe-lang-fr = French
pe-move-up = Move rule { $n } up
pe-move-down = Move rule { $n } down
pe-remove-rule = Remove rule { $n }
pe-add-rule = Add a rule
pe-unsaved = The form has changes that are not saved yet.
pe-json-title = Advanced: the rules as JSON
pe-json-hint = The same rules in the format of the seed files and the API (see the documentation on policies). Saving the JSON replaces the rules above.
pe-json-label = Rules (JSON)
pe-json-save = Save the JSON
pe-conflict-yours = Your rules, as you had them (JSON)
pe-next-title = Simulate and publish
pe-save-first = Save the draft first: the simulation and the publication use the saved draft, not the changes on screen.
pe-as-of = As of
pe-simulate = Simulate the saved draft
pe-publish-start = Publish…
pe-publish-hint = Publishing asks for confirmation first and shows how outcomes would change.
pe-read-only = Only drafts can be edited. This version applies
pe-field-years = years
pe-field-date = date
pe-field-values = the ticked values
pe-field-sub = sub-conditions

## Condition types
pe-kind-always = In every other case (default)
pe-kind-all = All of these
pe-kind-any = Any of these
pe-kind-not = Not this
pe-kind-age_under = Age under
pe-kind-age_at_least = Age at least
pe-kind-left_home_age_under = Age under, when leaving home
pe-kind-sex = Sex
pe-kind-has_child_under18_in_custody = Has a child under 18 in custody
pe-kind-accompanied_by_parent_in_custody = Held with a parent
pe-kind-orphan_or_unaccompanied = Orphan or unaccompanied minor
pe-kind-claim_status_in = Status of the nationality claim
pe-kind-holds_only_this_nationality = Holds no other nationality
pe-kind-wish_in = The person's wish
pe-kind-left_home_before = Left home before a date
pe-kind-left_home_after = Left home after a date
pe-kind-in_facility = Held in a facility
pe-kind-facility_authority_in = Held where an authority is in control
pe-pick-claim_status_in = Claim statuses
pe-pick-wish_in = Wishes
pe-pick-in_facility = Facilities

## Messages
pe-err-years = must be between 1 and 120 years
pe-err-of-empty = add at least one sub-condition
pe-err-not-empty = add the condition to negate
pe-err-statuses = tick at least one status
pe-err-wishes = tick at least one wish
pe-err-facilities = tick at least one facility
pe-err-facility-codes = must be facility codes such as al-hol (not display names)
pe-err-authorities = give at least one name
pe-err-explanation = is required: say in plain words what the rule means
pe-err-english = give the English text too: it is shown where no translation exists
pe-err-conditions-needed = tick what the return requires
pe-err-conditions-unexpected = only the outcome "eligible with conditions" has return conditions
pe-err-no-route = "no route" comes from the nationality claim, not from a rule
pe-err-last-default = the last rule must be the default: choose "In every other case"
pe-err-no-rules = a version needs at least one rule
pe-err-json = the JSON could not be read: { $detail }
pe-err-rule-list = this is not a list of rules: { $detail }
pe-err-to-before-from = must not be before the start date

## Simulation
pe-sim-page = Simulation
pe-sim-intro = How outcomes would change if this draft were published on the date below. Counts cover every organisation; names are shown only for your own organisation, to those who may read persons.
pe-sim-title = Effect as of
pe-sim-none = No outcome would change.
pe-sim-transitions = Changes of outcome
pe-sim-from = Before
pe-sim-to = After
pe-sim-where = Where the persons concerned are held
pe-sim-not-held = not held
pe-sim-yours = Persons of your organisation whose outcome changes
pe-sim-none-yours = No person of your organisation is concerned.
pe-sim-no-names = Names are shown only to users who may read persons, and only for their own organisation.

## Publication and retirement
pe-publish-title = Publish version { $n } of the { $country } policy?
pe-publish-period = This version will apply { $period }.
pe-publish-closes = Version { $n } ({ $period }) will end on { $end }.
pe-publish-nothing-closes = No published version is running on that date: nothing else changes.
pe-publish-refused = Version { $n } starts on { $start }, on or after this date, and versions may not overlap. Retire version { $n } first, or choose a later date.
pe-publish-reevaluation = Everyone's eligibility is then re-evaluated in the background; the country's page shows the progress.
pe-publish-dates-changed = The dates changed since the effect was shown: here is the effect for the new dates. Publish again to confirm.
pe-publish-confirm = Publish
pe-show-effect = Show the effect of these dates
pe-back-to-draft = Back to the draft
pe-cancel = Cancel
pe-not-a-draft = This version is no longer a draft.
pe-changed-meanwhile = Someone changed this version in the meantime: review the effect again.
pe-retire-title = Retire version { $n } of the { $country } policy?
pe-retire-draft-title = Set draft { $n } of the { $country } policy aside?
pe-retire-period = This version applies { $period }.
pe-retire-gap = Once retired, it no longer applies and the earlier version is not reopened: on these dates no policy of this country is in force, and outcomes are decided case by case.
pe-retire-claimants = Persons claiming this nationality (every organisation): { $n }.
pe-retire-draft = This draft has never applied: setting it aside changes nobody's outcome.
pe-retire-confirm = Retire this version
pe-retire-draft-confirm = Set this draft aside
pe-already-retired = This version is already retired.
