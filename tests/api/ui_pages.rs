//! HTML tests of the registry pages (issue 8).

#[allow(unused_imports)]
use crate::helpers::*;
