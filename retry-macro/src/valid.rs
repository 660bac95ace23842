//! Checks of the attribute against the fn it is on. Each returns the first problem as an
//! error spanned at the offending token.

use syn::{FnArg, Pat, ReturnType, Type};

use crate::ast::RetryFn;
use crate::attr::Args;

pub(crate) fn check(args: &Args, func: &RetryFn) -> syn::Result<()> {
    check_policy(args)?;
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
    if let (Some((key, _)), None) = (&args.sleep, &sig.asyncness) {
        return Err(syn::Error::new(
            key.span(),
            "`sleep` applies to `async fn`s; a sync `#[retry]` fn sleeps with `std::thread::sleep`",
        ));
    }
    if let Some((_, names)) = &args.clone {
        for name in names {
            check_clone(name, func)?;
        }
    }
    Ok(())
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
fn check_policy(args: &Args) -> syn::Result<()> {
    let Some((policy, _)) = &args.policy else {
        return Ok(());
    };
    let schedule_keys = [
        args.max.as_ref().map(|(key, _)| key),
        args.base.as_ref().map(|(key, _)| key),
        args.backoff.as_ref().map(|(key, _)| key),
        args.factor.as_ref().map(|(key, _)| key),
        args.max_delay.as_ref().map(|(key, _)| key),
        args.jitter.as_ref().map(|(key, _)| key),
        args.deadline.as_ref().map(|(key, _)| key),
    ];
    let mut errors: Option<syn::Error> = None;
    for key in schedule_keys.into_iter().flatten() {
        let error = syn::Error::new(
            key.span(),
            format!(
                "`{key}` cannot be combined with `{policy}`: the policy sets the whole schedule, \
                 so set `{key}` on the `Policy` instead"
            ),
        );
        match &mut errors {
            Some(errors) => errors.combine(error),
            None => errors = Some(error),
        }
    }
    errors.map_or(Ok(()), Err)
}
