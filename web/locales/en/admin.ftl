# admin pages (issue 8)
