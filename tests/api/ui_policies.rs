//! HTML tests of the policy editor (issue 8).

#[allow(unused_imports)]
use crate::helpers::*;
