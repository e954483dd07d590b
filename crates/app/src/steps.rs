//! The write steps every ticket write runs, in order (see `crate::kernel`). A module that reacts to ticket
//! changes implements `WriteStep` in its own file and adds one line here.
//!
//! The order matters: dispatch routes a new ticket before the SLA clocks start (the policy is chosen on the
//! ticket as routing left it); workload counters follow the final assignee; people are told last, about the
//! ticket as saved.

use crate::kernel::WriteStep;

pub(crate) fn registered() -> Vec<Box<dyn WriteStep>> {
    vec![
        Box::new(crate::dispatch::Dispatch),
        Box::new(crate::sla::SlaClocks),
        Box::new(crate::dispatch::WorkloadCounters),
        Box::new(crate::activity::TellPeople),
    ]
}
