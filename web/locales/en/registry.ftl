# registry pages (issue 8)
