//! Checks of the attribute against the fn it is on, and of the keys against each other.
//! Each problem goes to the error sink, spanned at the offending token.

use syn::{FnArg, Pat, ReceiverKind, ReturnType, Type};

use crate::ast::RetryFn;
use crate::attr::{Args, Value};
use crate::errors::Errors;
use crate::keys;
use crate::values::DurationValue;

/// Checks the keys against each other.
pub(crate) fn check_args(args: &Args, errors: &mut Errors) {
    check_policy(args, errors);
    check_hedge(args, errors);
    check_timed_out(args, errors);
    check_rejected(args, errors);
    check_min_delay(args, errors);
}

/// `min_delay` is a floor under the delays that `max_delay` caps: given as literals, the
/// floor above the cap is told at the floor. (Given as expressions, `Policy::min_delay`
/// panics, at compile time in the expansion's `const` or when the policy is built.)
fn check_min_delay(args: &Args, errors: &mut Errors) {
    let literal = |key| match args.get(key).map(|given| &given.value) {
        Some(Value::Duration(DurationValue::Literal { nanos, span })) => Some((*nanos, *span)),
        _ => None,
    };
    if let (Some((min, span)), Some((max, _))) =
        (literal(&keys::MIN_DELAY), literal(&keys::MAX_DELAY))
    {
        if min > max {
            errors.push(syn::Error::new(
                span,
                "`min_delay` is above `max_delay`: no delay can be both; the floor must be at \
                 most the cap",
            ));
        }
    }
}

/// `rejected` converts the failure of a call a `breaker` or a `throttle` refused.
fn check_rejected(args: &Args, errors: &mut Errors) {
    if let Some(rejected) = args.get(&keys::REJECTED) {
        if !guarded(args) {
            errors.push(syn::Error::new(
                rejected.ident.span(),
                "`rejected` makes the failure of a call a `breaker` or a `throttle` refused, \
                 and this fn has neither: add `breaker = &BREAKER`, or drop `rejected`",
            ));
        }
    }
}

/// Whether a `breaker` or a `throttle` may refuse the fn's attempts.
pub(crate) fn guarded(args: &Args) -> bool {
    args.get(&keys::BREAKER).is_some() || args.get(&keys::THROTTLE).is_some()
}

/// `timed_out` converts the failure of an attempt that `attempt_timeout` cut.
fn check_timed_out(args: &Args, errors: &mut Errors) {
    if let (Some(timed_out), None) = (args.get(&keys::TIMED_OUT), args.get(&keys::ATTEMPT_TIMEOUT))
    {
        errors.push(syn::Error::new(
            timed_out.ident.span(),
            "`timed_out` makes the failure of an attempt cut by `attempt_timeout`, which this fn \
             does not have: add `attempt_timeout = \"2s\"`, or drop `timed_out`",
        ));
    }
}

/// Checks the keys against the fn.
pub(crate) fn check_fn(args: &Args, func: &RetryFn, errors: &mut Errors) {
    errors.check(check_signature(func));
    check_attributes(func, errors);
    check_async_keys(args, func, errors);
    check_hedged_inputs(args, func, errors);
    if let Some(Value::Names(names)) = args.get(&keys::CLONE).map(|given| &given.value) {
        for name in names {
            errors.check(check_clone(name, func));
        }
    }
    if let Some(Value::Ident(name)) = args.get(&keys::CONTEXT).map(|given| &given.value) {
        errors.check(check_context(name, func));
    }
}

/// `context = cx` binds `cx` in the body, which must not hide an argument of the fn.
fn check_context(name: &syn::Ident, func: &RetryFn) -> syn::Result<()> {
    let hidden = func.sig.inputs.iter().any(|arg| match arg {
        FnArg::Typed(arg) => matches!(&*arg.pat, Pat::Ident(pat) if pat.ident == *name),
        FnArg::Receiver(_) => false,
    });
    if hidden {
        return Err(syn::Error::new(
            name.span(),
            format!(
                "`context = {name}` would hide the argument `{name}` of `{}` in the body; bind the \
                 context to another name, such as `context = cx`",
                func.sig.ident
            ),
        ));
    }
    Ok(())
}

fn check_signature(func: &RetryFn) -> syn::Result<()> {
    let sig = &func.sig;
    if let Some(constness) = &sig.constness {
        return Err(syn::Error::new(
            constness.span,
            "`#[retry]` cannot go on a `const fn`: retrying sleeps between attempts, which a const fn cannot do",
        ));
    }
    if let ReturnType::Default = sig.output {
        return Err(syn::Error::new(
            sig.paren_token.span.close(),
            format!(
                "`#[retry]` needs a return type that implements `retry_runtime::Outcome`, such as \
                 `Result<T, E>` or `Option<T>`; `{}` returns `()`, so it has no failure to retry",
                sig.ident
            ),
        ));
    }
    Ok(())
}

/// The fn's own attributes that the loop would make wrong.
fn check_attributes(func: &RetryFn, errors: &mut Errors) {
    for attr in &func.attrs {
        if attr.path().is_ident("track_caller") {
            errors.push(syn::Error::new_spanned(
                attr,
                "`#[track_caller]` cannot go on a `#[retry]` fn: each attempt runs the body in a \
                 closure or an `async` block, so `Location::caller()` would be the fn's own line, \
                 not its caller's; remove it, or retry a call to a `#[track_caller]` fn instead",
            ));
        }
    }
}

/// The keys that only an async fn can honour.
fn check_async_keys(args: &Args, func: &RetryFn, errors: &mut Errors) {
    if func.is_async() {
        return;
    }
    if let Some(sleep) = args.get(&keys::SLEEP) {
        errors.push(syn::Error::new(
            sleep.ident.span(),
            "`sleep` applies to `async fn`s; a sync `#[retry]` fn sleeps with `std::thread::sleep`",
        ));
    }
    if let Some(hedge) = args.get(&keys::HEDGE) {
        errors.push(syn::Error::new(
            hedge.ident.span(),
            "`hedge` applies to `async fn`s: it runs attempts at the same time, which a sync fn \
             cannot do",
        ));
    }
    if let Some(timeout) = args.get(&keys::ATTEMPT_TIMEOUT) {
        errors.push(syn::Error::new(
            timeout.ident.span(),
            "`attempt_timeout` applies to `async fn`s: a running sync attempt cannot be \
             interrupted; give the operation a timeout of its own (a socket's read timeout, say)",
        ));
    }
}

/// `clone(name)`: `name` must be an argument bound by value, with a type that is not a
/// reference.
fn check_clone(name: &syn::Ident, func: &RetryFn) -> syn::Result<()> {
    let fail = |why: String| {
        Err(syn::Error::new(
            name.span(),
            format!("`clone({name})`: {why}"),
        ))
    };
    if name == "self" {
        return fail(
            "the receiver cannot be replaced per attempt; clone the fields the body moves instead"
                .into(),
        );
    }
    for arg in &func.sig.inputs {
        let FnArg::Typed(arg) = arg else { continue };
        let Pat::Ident(pat) = &*arg.pat else { continue };
        if pat.ident != *name {
            continue;
        }
        if pat.by_ref.is_some() || pat.subpat.is_some() {
            return fail(format!("`{name}` is not bound by value"));
        }
        if let Type::Reference(_) = strip_parens(&arg.ty) {
            return fail(format!(
                "`{name}` is a reference, which every attempt can share; `clone` takes by-value arguments"
            ));
        }
        return Ok(());
    }
    fail(format!(
        "`{name}` is not an argument of `{}`; `clone` takes the names of by-value arguments",
        func.sig.ident
    ))
}

fn strip_parens(ty: &Type) -> &Type {
    match ty {
        Type::Paren(inner) => strip_parens(&inner.elem),
        Type::Group(inner) => strip_parens(&inner.elem),
        ty => ty,
    }
}

/// `policy` sets the whole schedule: no schedule key may be given beside it.
fn check_policy(args: &Args, errors: &mut Errors) {
    let Some(policy) = args.get(&keys::POLICY) else {
        return;
    };
    let policy = &policy.ident;
    for given in args.iter().filter(|given| given.key.in_schedule()) {
        let key = &given.ident;
        errors.push(syn::Error::new(
            key.span(),
            format!(
                "`{key}` cannot be combined with `{policy}`: the policy sets the whole schedule, \
                 so set `{key}` on the `Policy` instead"
            ),
        ));
    }
}

/// `hedge` starts attempts at the same time, not one after a delay: the keys that shape the
/// delays have no meaning beside it.
fn check_hedge(args: &Args, errors: &mut Errors) {
    let Some(hedge) = args.get(&keys::HEDGE) else {
        return;
    };
    let hedge = &hedge.ident;
    for given in args.iter().filter(|given| given.key.spaces_attempts()) {
        let key = &given.ident;
        errors.push(syn::Error::new(
            key.span(),
            format!(
                "`{key}` cannot be combined with `{hedge}`: a hedged call starts its next attempt \
                 `{hedge}` after the last, or at once after a failure, so it has no delays for \
                 `{key}` to shape; `max`, `deadline` and `budget` do apply"
            ),
        ));
    }
}

/// A hedged call runs its body several times at once: no input can be borrowed mutably by
/// all of them, whether it is `&mut self`, a `&mut` reference or a `mut` binding.
fn check_hedged_inputs(args: &Args, func: &RetryFn, errors: &mut Errors) {
    if args.get(&keys::HEDGE).is_none() {
        return;
    }
    for input in &func.sig.inputs {
        match input {
            FnArg::Receiver(receiver) => errors.check(check_hedged_receiver(receiver)),
            FnArg::Typed(arg) => errors.check(check_hedged_argument(arg)),
        }
    }
}

fn check_hedged_receiver(receiver: &syn::Receiver) -> syn::Result<()> {
    let written = match &receiver.kind {
        ReceiverKind::Reference(_, _, Some(_)) => "&mut self",
        ReceiverKind::Typed(_, ty) if matches!(strip_parens(ty), Type::Reference(r) if r.mutability.is_some()) => {
            "self: &mut Self"
        }
        _ if receiver.mutability.is_some() => "mut self",
        _ => return Ok(()),
    };
    Err(syn::Error::new_spanned(
        receiver,
        format!(
            "`hedge` runs attempts at the same time, so they cannot all have `{written}`: take \
             `&self` (with interior mutability where the body needs it), or drop `hedge`"
        ),
    ))
}

fn check_hedged_argument(arg: &syn::PatType) -> syn::Result<()> {
    let name = match &*arg.pat {
        Pat::Ident(pat) => pat.ident.to_string(),
        _ => "this argument".to_string(),
    };
    let why = if matches!(strip_parens(&arg.ty), Type::Reference(r) if r.mutability.is_some()) {
        "is a `&mut` reference, which only one of them can use"
    } else if matches!(&*arg.pat, Pat::Ident(pat) if pat.mutability.is_some()) {
        "is a `mut` binding, which only one of them can borrow mutably"
    } else {
        return Ok(());
    };
    Err(syn::Error::new_spanned(
        arg,
        format!(
            "`hedge` runs attempts at the same time, and `{name}` {why}: take it by shared \
             reference or by value (with `clone({name})` when the body consumes it), or drop \
             `hedge`"
        ),
    ))
}
