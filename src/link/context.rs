//! Where a call runs: as lowered, unless it sits in a closure that a project function hands to
//! an offload wrapper.

use super::Project;
use crate::knowledge::Table;
use crate::model::Context;

impl Project<'_> {
    /// Where the call `call` of function `function` of file `file` runs: as lowered, unless it sits
    /// in a closure handed to a project function that passes that closure to an offload wrapper
    /// (`asyncify(move || std::fs::read(p))`).
    pub fn context_at(&self, file: usize, function: usize, call: usize) -> Context {
        let calls = &self.files[file].functions[function].calls;
        let site = &calls[call];
        let Some(arg) = site.in_closure_arg else { return site.context };
        let Some(outer) = calls.get(arg.call as usize) else { return site.context };
        if site.context != outer.context {
            return site.context;
        }
        let facts = self.facts(file, function, arg.call as usize);
        if facts.callee.is_some_and(|f| self.function(f).offloaded_params.contains(&arg.arg))
            || facts.api(Table::Offload).is_some()
        {
            return Context::Offloaded;
        }
        self.context_at(file, function, arg.call as usize)
    }
}
