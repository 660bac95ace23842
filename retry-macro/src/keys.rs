//! Every key of `#[retry(...)]`, described once: its name, how its value is written, a use
//! shown in its errors, and where it goes in the expansion. Parsing, the messages, the
//! `policy` check and the expansion all read this table.

/// One key of the attribute.
pub(crate) struct Key {
    pub name: &'static str,
    pub form: Form,
    /// A correct use of the key, shown in its errors.
    pub example: &'static str,
    pub emit: Emit,
}

/// How a key's value is written.
pub(crate) enum Form {
    /// An integer literal of at least 1.
    Attempts,
    /// A duration literal, or an expression of type `Duration`.
    Duration,
    /// A string naming a variant of the runtime's enum `ty`: `(name, variant)` pairs; with
    /// `custom`, also a path to a fn, which goes in that variant (`Backoff::Custom(path)`).
    Name {
        ty: &'static str,
        names: &'static [(&'static str, &'static str)],
        custom: Option<Custom>,
    },
    /// A number literal of at least 1.
    Factor,
    /// Any expression; `what` says what it must be.
    Expr { what: &'static str },
    /// A path to an async sleep fn.
    SleepPath,
    /// A path to a module (the runtime crate).
    ModPath,
    /// `clone(a, b)`: names of arguments in parentheses, no `=`.
    Names,
    /// A name to bind in the body.
    Ident,
    /// A word alone, no `=` (`transient`).
    Flag,
    /// A field of the variant: its name, or its index in a tuple variant.
    Field,
}

/// The variant of [`Form::Name`]'s enum that takes a path to a fn, and the fn's type.
#[derive(Clone, Copy)]
pub(crate) struct Custom {
    pub variant: &'static str,
    pub fn_type: &'static str,
}

/// Where a key goes in the expansion.
pub(crate) enum Emit {
    /// A setter of the `Policy`: part of the schedule, so it cannot be combined with
    /// `policy`.
    Policy { setter: &'static str },
    /// A call on the verdict after each attempt: `.when(expr)`. `by_ref` passes `&expr`;
    /// `timed` means the hook reads the elapsed time.
    Judge { by_ref: bool, timed: bool },
    /// Read by the expansion itself.
    Expansion,
}

const BACKOFFS: &[(&str, &str)] = &[
    ("exponential", "Exponential"),
    ("fixed", "Fixed"),
    ("linear", "Linear"),
    ("fibonacci", "Fibonacci"),
];

const JITTERS: &[(&str, &str)] = &[
    ("none", "None"),
    ("full", "Full"),
    ("equal", "Equal"),
    ("decorrelated", "Decorrelated"),
];

const fn judge(timed: bool) -> Emit {
    Emit::Judge {
        by_ref: false,
        timed,
    }
}

pub(crate) const POLICY: Key = Key {
    name: "policy",
    form: Form::Expr {
        what: "an expression of type `Policy` or `&Policy`",
    },
    example: "policy = &self.retry_policy",
    emit: Emit::Expansion,
};
pub(crate) const ATTEMPT_TIMEOUT: Key = Key {
    name: "attempt_timeout",
    form: Form::Duration,
    example: "attempt_timeout = \"2s\"",
    emit: Emit::Expansion,
};
pub(crate) const TIMED_OUT: Key = Key {
    name: "timed_out",
    form: Form::Expr {
        what: "an expression of type `Fn(TimedOut) -> E + Clone` (a fn or a closure)",
    },
    example: "timed_out = |t| E::from(std::io::Error::from(t))",
    emit: Emit::Expansion,
};
pub(crate) const BREAKER: Key = Key {
    name: "breaker",
    form: Form::Expr {
        what: "an expression of type `&CircuitBreaker`, such as `&BREAKER`",
    },
    example: "breaker = &BREAKER",
    emit: judge(false),
};
pub(crate) const THROTTLE: Key = Key {
    name: "throttle",
    form: Form::Expr {
        what: "an expression of type `&Throttle`, such as `&THROTTLE`",
    },
    example: "throttle = &THROTTLE",
    emit: judge(false),
};
pub(crate) const REJECTED: Key = Key {
    name: "rejected",
    form: Form::Expr {
        what: "an expression of type `Fn(Rejected) -> E` (a fn or a closure)",
    },
    example: "rejected = |r| E::from(std::io::Error::from(r))",
    emit: Emit::Expansion,
};
pub(crate) const MAX_DELAY: Key = Key {
    name: "max_delay",
    form: Form::Duration,
    example: "max_delay = \"30s\"",
    emit: Emit::Policy {
        setter: "max_delay",
    },
};
pub(crate) const MIN_DELAY: Key = Key {
    name: "min_delay",
    form: Form::Duration,
    example: "min_delay = \"1s\"",
    emit: Emit::Policy {
        setter: "min_delay",
    },
};
pub(crate) const CONTEXT: Key = Key {
    name: "context",
    form: Form::Ident,
    example: "context = cx",
    emit: Emit::Expansion,
};
pub(crate) const HEDGE: Key = Key {
    name: "hedge",
    form: Form::Duration,
    example: "hedge = \"50ms\"",
    emit: Emit::Expansion,
};
pub(crate) const ON_RETRY: Key = Key {
    name: "on_retry",
    form: Form::Expr {
        what: "a closure or fn `Fn(&Attempt<'_, R>)`",
    },
    example: "on_retry = |attempt| log(attempt)",
    emit: judge(true),
};
pub(crate) const CLONE: Key = Key {
    name: "clone",
    form: Form::Names,
    example: "clone(request, body)",
    emit: Emit::Expansion,
};
pub(crate) const SLEEP: Key = Key {
    name: "sleep",
    form: Form::SleepPath,
    example: "sleep = my_runtime::sleep",
    emit: Emit::Expansion,
};
pub(crate) const CRATE: Key = Key {
    name: "crate",
    form: Form::ModPath,
    example: "crate = my_crate::retry_runtime",
    emit: Emit::Expansion,
};

/// The keys of `#[derive(Retryable)]`'s `#[retry(...)]`, on a variant or a struct: how the
/// failure is classified, and (on the type itself) where the runtime is.
pub(crate) const TRANSIENT: Key = Key {
    name: "transient",
    form: Form::Flag,
    example: "transient",
    emit: Emit::Expansion,
};
pub(crate) const PERMANENT: Key = Key {
    name: "permanent",
    form: Form::Flag,
    example: "permanent",
    emit: Emit::Expansion,
};
pub(crate) const HINT_FIELD: Key = Key {
    name: "hint",
    form: Form::Field,
    example: "hint = retry_after",
    emit: Emit::Expansion,
};
pub(crate) const FROM: Key = Key {
    name: "from",
    form: Form::Flag,
    example: "from",
    emit: Emit::Expansion,
};
pub(crate) const WHEN_FIELD: Key = Key {
    name: "when",
    form: Form::Expr {
        what: "a path to a `fn(&Field) -> bool`",
    },
    example: "when = classify::io",
    emit: Emit::Expansion,
};

/// The keys of the derive, in the order its messages list them.
pub(crate) const DERIVE_KEYS: &[Key] = &[TRANSIENT, PERMANENT, HINT_FIELD, FROM, WHEN_FIELD, CRATE];

/// The keys, in the order the docs list them; the judge's calls are emitted in this order.
pub(crate) const KEYS: &[Key] = &[
    Key {
        name: "max",
        form: Form::Attempts,
        example: "max = 5",
        emit: Emit::Policy {
            setter: "max_attempts",
        },
    },
    Key {
        name: "base",
        form: Form::Duration,
        example: "base = \"500ms\"",
        emit: Emit::Policy { setter: "base" },
    },
    Key {
        name: "backoff",
        form: Form::Name {
            ty: "Backoff",
            names: BACKOFFS,
            custom: Some(Custom {
                variant: "Custom",
                fn_type: "fn(u32) -> Duration",
            }),
        },
        example: "backoff = \"fixed\"",
        emit: Emit::Policy { setter: "backoff" },
    },
    Key {
        name: "factor",
        form: Form::Factor,
        example: "factor = 2",
        emit: Emit::Policy { setter: "factor" },
    },
    MAX_DELAY,
    MIN_DELAY,
    Key {
        name: "jitter",
        form: Form::Name {
            ty: "Jitter",
            names: JITTERS,
            custom: None,
        },
        example: "jitter = \"full\"",
        emit: Emit::Policy { setter: "jitter" },
    },
    Key {
        name: "deadline",
        form: Form::Duration,
        example: "deadline = \"10s\"",
        emit: Emit::Policy { setter: "deadline" },
    },
    Key {
        name: "when",
        form: Form::Expr {
            what: "a closure or fn `Fn(&E) -> bool`",
        },
        example: "when = |e| e.is_transient()",
        emit: judge(false),
    },
    Key {
        name: "when_ok",
        form: Form::Expr {
            what: "a closure or fn `Fn(&T) -> bool`",
        },
        example: "when_ok = |v| v.is_pending()",
        emit: judge(false),
    },
    ON_RETRY,
    Key {
        name: "hint",
        form: Form::Expr {
            what: "a closure or fn `Fn(&E) -> Option<Duration>`",
        },
        example: "hint = |e| e.retry_after()",
        emit: judge(false),
    },
    Key {
        name: "budget",
        form: Form::Expr {
            what: "an expression of type `&RetryBudget`, such as `&BUDGET`",
        },
        example: "budget = &BUDGET",
        emit: Emit::Judge {
            by_ref: true,
            timed: false,
        },
    },
    POLICY,
    Key {
        name: "on_give_up",
        form: Form::Expr {
            what: "a closure or fn `Fn(&GiveUp<'_, R>)`",
        },
        example: "on_give_up = |give_up| log(give_up)",
        emit: judge(true),
    },
    Key {
        name: "on_success",
        form: Form::Expr {
            what: "a closure or fn `Fn(&Succeeded<'_, R>)`",
        },
        example: "on_success = |succeeded| log(succeeded)",
        emit: judge(true),
    },
    BREAKER,
    THROTTLE,
    REJECTED,
    ATTEMPT_TIMEOUT,
    TIMED_OUT,
    HEDGE,
    CONTEXT,
    CLONE,
    SLEEP,
    CRATE,
];

/// The key named `name`.
#[cfg(test)]
pub(crate) fn find(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|key| key.name == name)
}

impl Key {
    /// Whether the key belongs to the schedule, which `policy` sets as a whole.
    pub(crate) fn in_schedule(&self) -> bool {
        matches!(self.emit, Emit::Policy { .. })
    }

    /// Whether the key shapes the delays between attempts, which a hedged call does not
    /// have: every schedule key but `max` and `deadline`, and `hint`.
    pub(crate) fn spaces_attempts(&self) -> bool {
        match self.emit {
            Emit::Policy { setter } => !matches!(setter, "max_attempts" | "deadline"),
            _ => self.name == "hint",
        }
    }

    /// The key as the list of keys shows it.
    pub(crate) fn shown(&self) -> String {
        match self.form {
            Form::Names => format!("`{}(...)`", self.name),
            _ => format!("`{}`", self.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_uses_its_own_key_and_quotes_its_strings() {
        for key in KEYS.iter().chain(DERIVE_KEYS) {
            assert!(key.example.starts_with(key.name), "{}", key.example);
            if let Form::Name { names, .. } = key.form {
                let quoted = names
                    .iter()
                    .any(|(name, _)| key.example.ends_with(&format!("\"{name}\"")));
                assert!(quoted, "{}", key.example);
            }
            if let Form::Duration = key.form {
                assert!(key.example.ends_with('"'), "{}", key.example);
            }
        }
    }

    #[test]
    fn names_are_unique() {
        for (i, key) in KEYS.iter().enumerate() {
            assert!(
                KEYS[i + 1..].iter().all(|other| other.name != key.name),
                "{}",
                key.name
            );
            assert_eq!(find(key.name).map(|found| found.example), Some(key.example));
        }
    }
}
