# policy_editor pages (issue 8)
