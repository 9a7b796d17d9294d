# registry pages (issue 8): person page, family summary, saves and refusals, adding members,
# linking relatives across families, moving several members at once.
# After a save
saved-intake = The family is logged.
saved-family = The family's label and notes are saved.
saved-member = The new member is saved.
saved-moved = The custody event is saved for every member chosen.
saved-person = The person's facts are saved.
saved-name = The name is saved.
saved-claim = The nationality is saved.
saved-status = The nationality's status is saved.
saved-custody = The custody event is saved.
saved-kinship = The relative is linked.
warnings-check = Some facts look unlikely: please check them.
problems-title = Nothing was saved: correct these and send the form again.
optional = optional
# Intake
err-block-needs-name = give a name, or clear this child block
# Intake: search before create (issue 11)
intake-dup-title = Nothing is logged yet: some of these people may be in the registry already.
intake-dup-how = Check the notice above each member named here. If one of them is the same person, open her page instead of logging her again. If none is, log the family with the button at the end of the form.
intake-dup-block = This person may be logged already:
intake-dup-may-be = This may be { $name }, born { $birth }, logged on { $logged }.
intake-dup-may-be-undated = This may be { $name }, logged on { $logged }.
intake-dup-held = Held in { $facility } now.
intake-dup-family = the family's page
intake-dup-more = { $n } more possible matches are not shown.
intake-dup-band-likely = likely match
intake-dup-band-possible = possible match
intake-dup-reason = { $field } { $verdict }: { $sides }
intake-dup-field-given_name = given names
intake-dup-field-family_name = family names
intake-dup-field-names_swapped = given and family names, swapped,
intake-dup-field-other_name = another name
intake-dup-field-birth = birth dates
intake-dup-field-sex = sex
intake-dup-field-nationality = nationalities
intake-dup-verdict-same = are the same
intake-dup-verdict-variant = are variants of one name
intake-dup-verdict-sound = sound alike
intake-dup-verdict-skeleton = agree across scripts
intake-dup-verdict-agrees = agree
intake-dup-verdict-within_margin = differ within the margin
intake-dup-verdict-differs = differ
intake-dup-recheck = Check the names again
intake-dup-confirm = None of these: log the family
# Family page
member-add = Add a member
member-add-submit = Add the member
member-relations = The new member is the … of:
member-not-related = not related
move-title = Move several members
move-hint = One custody event for every member ticked, saved for all of them or for none.
move-members = Members
move-submit = Save the event for these members
err-move-none = tick at least one member
summary-caption = The members at a glance
summary-age = Age
summary-held = Where now
summary-dead = dead
summary-uncertain = uncertain: a fact is not known precisely enough
family-forms = Change the family
members-details = Members in detail
person-open = Open the person's page
eligibility-why = Why: the rules and facts behind each outcome
policy-version-short = version
policy-rule-short = rule
# Person page
wishes-title = Wishes over time
wishes-none = No wish recorded.
names-none = No other name recorded.
# Linking a relative
kin-search = Search the organisation's persons by name
kin-suggested = Members of the same family
kin-matches = Persons found
kin-search-hint = Search by name to find a relative in another family.
kin-none = Nobody matches this search.
kin-not-held = not held
kin-same-family = same family
kin-no-family = no family
kin-already = already linked
kin-refine = Only the first matches are shown: refine the search.
kin-relative-person = Relative
kin-link = Kind of link
kin-the-chosen = … of the person chosen above
kin-link-submit = Link
kin-of-parent_of = parent of
kin-of-child_of = child of
kin-of-spouse_of = spouse of
kin-of-sibling_of = sibling of
kin-of-guardian_of = guardian of
kin-of-ward_of = ward of
# Family list
list-separation-risk = separation risk
list-page = Page { $n } of { $total }
