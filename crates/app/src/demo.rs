//! The demo data set (`loopdesk seed-demo`).

use crate::{App, AppResult};

impl App {
    /// Loads the demo data; returns a summary for the console.
    pub fn seed_demo(&self, tickets: usize) -> AppResult<String> {
        Ok(format!("demo data: not yet implemented ({tickets} tickets requested)"))
    }
}
