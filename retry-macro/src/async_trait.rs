//! `#[retry]` on a method of an `#[async_trait]` impl or trait. async-trait expands first
//! and hands `#[retry]` a sync fn that returns its future boxed; the retry loop goes inside
//! that future, around the method's own body (tracing-attributes does the same for
//! `#[instrument]`).
//!
//! ```text
//! // Input (async-trait's output for `async fn get(&self, id: u32) -> R { body }`):
//! fn get<'life0, 'async_trait>(&'life0 self, id: u32)
//!     -> Pin<Box<dyn Future<Output = R> + Send + 'async_trait>>
//! {
//!     Box::pin(async move {
//!         if let Some(__ret) = None::<R> { return __ret; }
//!         let __self = self;
//!         let id = id;
//!         let __ret: R = { body };
//!         __ret
//!     })
//! }
//!
//! // Output: the same signature, and
//! {
//!     Box::pin(async move {
//!         if let Some(__ret) = None::<R> { return __ret; }
//!         let __self = self;
//!         let id = id;
//!         /* the retry loop of an `async fn` returning `R` around `{ body }` */
//!     })
//! }
//! ```

use proc_macro2::{Group, TokenStream, TokenTree};
use syn::{Expr, GenericArgument, Pat, PathArguments, ReturnType, Stmt, Type, TypeParamBound};

/// The parts of async-trait's boxed future that the retry loop is built from.
pub(crate) struct Boxed {
    /// `R`, the `Output` of the boxed future.
    pub output: Type,
    /// The statements before the body: the arguments moved into the future.
    pub prelude: Vec<Stmt>,
    /// The method's own body, `{ ... }`.
    pub body: Expr,
}

/// async-trait's expansion, if `sig` and `block` are one.
pub(crate) fn recognise(sig: &syn::Signature, block: &Group) -> Option<Boxed> {
    if sig.asyncness.is_some() {
        return None;
    }
    let ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let output = boxed_future_output(ty)?;
    let statements = syn::parse2::<syn::Block>(TokenTree::Group(block.clone()).into())
        .ok()?
        .stmts;
    let [Stmt::Expr(Expr::Call(call), None)] = statements.as_slice() else {
        return None;
    };
    if !path_ends_with(&call.func, "pin") || call.args.len() != 1 {
        return None;
    }
    let Some(Expr::Async(future)) = call.args.first() else {
        return None;
    };
    future.capture?;
    let mut prelude = Vec::new();
    for stmt in &future.block.stmts {
        if let Some(body) = ret_binding(stmt) {
            return Some(Boxed {
                output,
                prelude,
                body: body.clone(),
            });
        }
        prelude.push(stmt.clone());
    }
    None
}

/// `R` of `Pin<Box<dyn Future<Output = R> + ...>>`.
fn boxed_future_output(ty: &Type) -> Option<Type> {
    let pinned = single_type_argument(ty, "Pin")?;
    let Type::TraitObject(object) = single_type_argument(pinned, "Box")? else {
        return None;
    };
    object.bounds.iter().find_map(|bound| {
        let TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let future = bound.path.segments.last()?;
        let PathArguments::AngleBracketed(args) = &future.arguments else {
            return None;
        };
        args.args.iter().find_map(|arg| match arg {
            GenericArgument::AssocType(assoc) if future.ident == "Future" => {
                (assoc.ident == "Output").then(|| assoc.ty.clone())
            }
            _ => None,
        })
    })
}

/// `T` of `Name<T>`, whatever the path before `Name`.
fn single_type_argument<'t>(ty: &'t Type, name: &str) -> Option<&'t Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last()?;
    if segment.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.first() {
        Some(GenericArgument::Type(ty)) if args.args.len() == 1 => Some(ty),
        _ => None,
    }
}

fn path_ends_with(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == name))
}

/// The body of `let __ret: R = { body };`.
fn ret_binding(stmt: &Stmt) -> Option<&Expr> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    let Pat::Type(typed) = &local.pat else {
        return None;
    };
    let Pat::Ident(name) = &*typed.pat else {
        return None;
    };
    if name.ident != "__ret" {
        return None;
    }
    local.init.as_ref().map(|init| &*init.expr)
}

/// `tokens` with `self` renamed `__self`, as async-trait renames it in the body: the keys'
/// expressions run where `self` has moved into `__self`.
pub(crate) fn rename_self(tokens: TokenStream) -> TokenStream {
    let mut tokens = tokens.into_iter().peekable();
    let mut renamed = TokenStream::new();
    while let Some(tree) = tokens.next() {
        let tree = match tree {
            // `self::item` is a path from the current module, not the receiver.
            TokenTree::Ident(ident) if ident == "self" && !starts_a_path(tokens.peek()) => {
                TokenTree::Ident(proc_macro2::Ident::new("__self", ident.span()))
            }
            TokenTree::Group(group) => {
                let mut inner = Group::new(group.delimiter(), rename_self(group.stream()));
                inner.set_span(group.span());
                TokenTree::Group(inner)
            }
            tree => tree,
        };
        renamed.extend([tree]);
    }
    renamed
}

/// Whether `next`, the token after a `self`, is the `::` of a path (its first `:`, joint).
fn starts_a_path(next: Option<&TokenTree>) -> bool {
    matches!(next, Some(TokenTree::Punct(colon))
        if colon.as_char() == ':' && colon.spacing() == proc_macro2::Spacing::Joint)
}
