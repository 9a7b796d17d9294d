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
