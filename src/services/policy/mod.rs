//! Policies shared by every organisation: the stewards' workflow (draft, edit, publish,
//! retire), simulation before publishing, the read model, and seeding. Evaluation of persons
//! is `services::eligibility`.

// What a publication or retirement would change (the UI's confirmations; issue 8).
pub mod preview;
pub mod seed;
pub mod simulate;
pub mod versions;
pub mod views;
