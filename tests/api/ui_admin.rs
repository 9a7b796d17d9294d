//! HTML tests of the admin pages (issue 8).

#[allow(unused_imports)]
use crate::helpers::*;
