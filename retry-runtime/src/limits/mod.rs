//! Limits shared across calls, which the engine consults before each retry: the
//! [`RetryBudget`] today (a circuit breaker and a throttle go beside it).

mod budget;

pub use budget::RetryBudget;
