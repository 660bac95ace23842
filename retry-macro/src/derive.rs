//! `#[derive(Retryable)]`: the classification of a failure type, where it is defined. Each
//! variant of an enum (or the struct itself) says, in `#[retry(...)]`, whether the failure
//! is `transient` (retried, with `hint = field` the server's delay) or `permanent`, or
//! defers to its one field: `from` (a field that is itself `Retryable`) or `when = path`
//! (`fn(&Field) -> bool`). A variant with none of them is a compile error at the variant,
//! so a variant added later cannot be retried, or not, by accident.
//!
//! ```text
//! #[derive(Retryable)]
//! enum Error {
//!     #[retry(transient, hint = after)] Busy { after: Duration },
//!     #[retry(permanent)] NotFound,
//!     #[retry(when = classify::io)] Io(io::Error),
//! }
//! // expands to
//! impl ::retry_runtime::Retryable for Error {
//!     fn retryable(&self) -> bool {
//!         match self {
//!             Self::Busy { .. } => true,
//!             Self::NotFound { .. } => false,
//!             Self::Io { 0: __retry_field, .. } => judge_field(classify::io, __retry_field),
//!         }
//!     }
//!     fn hint(&self) -> Option<Duration> {
//!         match self {
//!             Self::Busy { after: __retry_field, .. } => AsHint::as_hint(__retry_field),
//!             _ => None,
//!         }
//!     }
//! }
//! ```

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Expr, Fields, Ident, Member, Type};

use crate::attr::{self, Args, Keys, Krate, Value};
use crate::errors::Errors;
use crate::keys;

/// The accepted forms, for the messages.
const FORMS: &str = "`#[retry(transient)]` (optionally with `hint = field`, a field of type \
     `Duration` or `Option<Duration>`), `#[retry(permanent)]`, `#[retry(from)]` (one field, \
     itself `Retryable`) or `#[retry(when = path)]` (one field, `path: fn(&Field) -> bool`)";

/// How one variant (or the struct) is classified.
enum Class {
    Transient {
        hint: Option<(Member, Span)>,
    },
    Permanent,
    /// Its one field, itself `Retryable`.
    From {
        field: Member,
        ty: Box<Type>,
    },
    /// Its one field, judged by this expression.
    When {
        field: Member,
        judge: Box<Expr>,
    },
}

/// One variant (or the struct), its pattern's path and its class.
struct Classified {
    /// `Self::Variant`, or `Self` for a struct.
    path: TokenStream,
    class: Class,
}

/// The derive's expansion: the `impl`, or the errors, every one of them.
pub(crate) fn retryable(item: TokenStream) -> TokenStream {
    let input = match syn::parse2::<DeriveInput>(item) {
        Ok(input) => input,
        Err(error) => return error.into_compile_error(),
    };
    let mut errors = Errors::default();
    let (container, krate) = container(&input.attrs, &mut errors);
    let classified = match &input.data {
        Data::Enum(data) => {
            if let Some(args) = &container {
                reject_classes_on_enum(args, &mut errors);
            }
            data.variants
                .iter()
                .filter_map(|variant| {
                    let args = own_args(&variant.attrs, &mut errors);
                    reject_field_attributes(&variant.fields, &mut errors);
                    let what = format!("variant `{}` of `{}`", variant.ident, input.ident);
                    let class = classify(
                        args.as_ref(),
                        &variant.fields,
                        &variant.ident,
                        &what,
                        &mut errors,
                    )?;
                    let ident = &variant.ident;
                    Some(Classified {
                        path: quote!(Self::#ident),
                        class,
                    })
                })
                .collect::<Vec<_>>()
        }
        Data::Struct(data) => {
            reject_field_attributes(&data.fields, &mut errors);
            let what = format!("struct `{}`", input.ident);
            classify(
                container.as_ref(),
                &data.fields,
                &input.ident,
                &what,
                &mut errors,
            )
            .map(|class| Classified {
                path: quote!(Self),
                class,
            })
            .into_iter()
            .collect()
        }
        Data::Union(data) => {
            errors.push(syn::Error::new(
                data.union_token.span,
                "`#[derive(Retryable)]` goes on an enum or a struct: a union's field cannot be \
                 told apart",
            ));
            Vec::new()
        }
    };
    if let Some(mut errors) = errors.into_compile_errors() {
        // With the errors, an impl that compiles: code that uses the trait gets no second
        // error for each of them. (It is never run: the crate does not compile.)
        errors.extend(placeholder(&input, &krate));
        return errors;
    }
    implementation(&input, &krate, &classified)
}

/// The type's own `#[retry(...)]`, if any, and where the runtime is (`crate = path`).
fn container(attrs: &[Attribute], errors: &mut Errors) -> (Option<Args>, Krate) {
    let args = own_args(attrs, errors);
    let krate = match args.as_ref().and_then(|args| args.get(&keys::CRATE)) {
        Some(given) => Krate::new(given.value.to_tokens(&Krate::new(TokenStream::new()))),
        None => Krate::new(quote!(::retry_runtime)),
    };
    (args, krate)
}

/// The keys of the `#[retry(...)]` attributes in `attrs` (one of them; a second is an
/// error), or `None` when there is none.
fn own_args(attrs: &[Attribute], errors: &mut Errors) -> Option<Args> {
    let mut found: Option<Args> = None;
    let mut malformed = false;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("retry")) {
        if found.is_some() {
            errors.push(syn::Error::new_spanned(
                attr,
                "one `#[retry(...)]` is enough: put its keys together, as in `#[retry(transient, hint = after)]`",
            ));
            continue;
        }
        let tokens = match attr.meta.require_list() {
            Ok(list) => list.tokens.clone(),
            Err(_) => {
                errors.push(syn::Error::new_spanned(
                    attr,
                    format!("`#[retry]` under `#[derive(Retryable)]` takes one of {FORMS}"),
                ));
                malformed = true;
                continue;
            }
        };
        let mut own = Errors::default();
        found = Some(attr::parse_keys(tokens, &mut own, &Keys::DERIVE));
        if let Some(error) = own.into_error() {
            errors.push(error);
            malformed = true;
        }
    }
    // A malformed attribute was told already: its variant is not told again that it is not
    // classified.
    if malformed {
        found.get_or_insert_with(Args::default).malformed = true;
    }
    found
}

/// An enum is classified variant by variant; on the enum itself only `crate` goes.
fn reject_classes_on_enum(args: &Args, errors: &mut Errors) {
    for given in args
        .iter()
        .filter(|given| given.key.name != keys::CRATE.name)
    {
        errors.push(syn::Error::new(
            given.ident.span(),
            format!(
                "`{}` goes on each variant of the enum, not on the enum: a variant added later \
                 must say how it is classified",
                given.ident
            ),
        ));
    }
}

/// `#[retry]` on a field: the classification goes on the variant or the struct.
fn reject_field_attributes(fields: &Fields, errors: &mut Errors) {
    for field in fields {
        for attr in field
            .attrs
            .iter()
            .filter(|attr| attr.path().is_ident("retry"))
        {
            errors.push(syn::Error::new_spanned(
                attr,
                "`#[retry(...)]` goes on the variant or the struct, not on a field: name the \
                 field in `hint = field`, or put `from` or `when = path` on a one-field variant",
            ));
        }
    }
}

/// The class `args` give a variant (or struct) with `fields`; `None` after an error.
fn classify(
    args: Option<&Args>,
    fields: &Fields,
    name: &Ident,
    what: &str,
    errors: &mut Errors,
) -> Option<Class> {
    let Some(args) = args else {
        errors.push(syn::Error::new(
            name.span(),
            format!("{what} is not classified: add {FORMS}"),
        ));
        return None;
    };
    let kinds = [
        &keys::TRANSIENT,
        &keys::PERMANENT,
        &keys::FROM,
        &keys::WHEN_FIELD,
    ];
    let mut given = args
        .iter()
        .filter(|given| kinds.iter().any(|key| key.name == given.key.name));
    let Some(kind) = given.next() else {
        if args.malformed {
            return None;
        }
        let at = args
            .get(&keys::HINT_FIELD)
            .map_or_else(|| name.span(), |hint| hint.ident.span());
        errors.push(syn::Error::new(
            at,
            format!("{what} is not classified: add {FORMS}"),
        ));
        return None;
    };
    if let Some(second) = given.next() {
        errors.push(syn::Error::new(
            second.ident.span(),
            format!(
                "{what} is classified twice (`{}` and `{}`): it takes one of {FORMS}",
                kind.ident, second.ident
            ),
        ));
        return None;
    }
    let hint = args.get(&keys::HINT_FIELD);
    if let (Some(hint), false) = (hint, kind.key.name == keys::TRANSIENT.name) {
        errors.push(syn::Error::new(
            hint.ident.span(),
            format!(
                "`hint` goes with `transient`: a `{}` failure's delay is not its own to give",
                kind.ident
            ),
        ));
        return None;
    }
    match kind.key.name {
        "transient" => {
            let hint = match hint {
                Some(hint) => Some(hint_field(hint, fields, what, errors)?),
                None => None,
            };
            Some(Class::Transient { hint })
        }
        "permanent" => Some(Class::Permanent),
        key => {
            let (field, ty) = only_field(fields, &kind.ident, what, errors)?;
            if key == keys::FROM.name {
                Some(Class::From {
                    field,
                    ty: Box::new(ty),
                })
            } else {
                let Some(Value::Expr(judge)) =
                    args.get(&keys::WHEN_FIELD).map(|given| &given.value)
                else {
                    return None;
                };
                Some(Class::When {
                    field,
                    judge: judge.clone(),
                })
            }
        }
    }
}

/// The field `hint = field` names, checked against `fields`.
fn hint_field(
    hint: &attr::Given,
    fields: &Fields,
    what: &str,
    errors: &mut Errors,
) -> Option<(Member, Span)> {
    let Value::Field(member) = &hint.value else {
        return None;
    };
    let exists = fields
        .iter()
        .enumerate()
        .any(|(index, field)| match (member, &field.ident) {
            (Member::Named(name), Some(ident)) => name == ident,
            (Member::Unnamed(i), None) => usize::try_from(i.index).is_ok_and(|i| i == index),
            _ => false,
        });
    if exists {
        return Some((member.clone(), member.span()));
    }
    let names: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(index, field)| match &field.ident {
            Some(ident) => format!("`{ident}`"),
            None => format!("`{index}`"),
        })
        .collect();
    let has = if names.is_empty() {
        "has no field".to_owned()
    } else {
        format!("has {}", names.join(", "))
    };
    errors.push(syn::Error::new(
        member.span(),
        format!(
            "`hint = {}` names no field of {what}, which {has}: `hint` takes a field of type \
             `Duration` or `Option<Duration>`",
            member.to_token_stream()
        ),
    ));
    None
}

/// The one field of a variant that `from` or `when` defers to.
fn only_field(
    fields: &Fields,
    key: &Ident,
    what: &str,
    errors: &mut Errors,
) -> Option<(Member, Type)> {
    let mut iter = fields.iter();
    match (iter.next(), iter.next()) {
        (Some(field), None) => {
            let member = match &field.ident {
                Some(ident) => Member::Named(ident.clone()),
                None => Member::Unnamed(syn::Index::from(0)),
            };
            Some((member, field.ty.clone()))
        }
        _ => {
            errors.push(syn::Error::new(
                key.span(),
                format!(
                    "`{key}` defers to the one field of a variant, and {what} has {}: classify it \
                     with `transient` or `permanent`",
                    match fields.len() {
                        0 => "none".to_owned(),
                        n => n.to_string(),
                    }
                ),
            ));
            None
        }
    }
}

/// The impl emitted beside the errors.
fn placeholder(input: &DeriveInput, krate: &Krate) -> TokenStream {
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        impl #impl_generics #krate::Retryable for #name #ty_generics #where_clause {
            fn retryable(&self) -> bool {
                false
            }
        }
    }
}

/// The `impl Retryable`.
fn implementation(input: &DeriveInput, krate: &Krate, classified: &[Classified]) -> TokenStream {
    let field = Ident::new("__retry_field", Span::mixed_site());
    let mut retryable = Vec::new();
    let mut hints = Vec::new();
    let mut bounds = Vec::new();
    for Classified { path, class } in classified {
        match class {
            Class::Transient { hint } => {
                retryable.push(quote!(#path { .. } => true,));
                if let Some((member, span)) = hint {
                    // Located at `hint = field`'s value: a field of another type is told there.
                    let field = Ident::new("__retry_field", Span::mixed_site().located_at(*span));
                    let into = quote_spanned!(*span=> #krate::__private::AsHint::as_hint(#field));
                    hints.push(quote!(#path { #member: #field, .. } => #into,));
                }
            }
            Class::Permanent => retryable.push(quote!(#path { .. } => false,)),
            Class::From { field: member, ty } => {
                // Located at the field's type: a type that is not `Retryable` is told there.
                let at = ty.span();
                let field = Ident::new("__retry_field", Span::mixed_site().located_at(at));
                let retryable_call = quote_spanned!(at=> #krate::Retryable::retryable(#field));
                let hint_call = quote_spanned!(at=> #krate::Retryable::hint(#field));
                retryable.push(quote!(#path { #member: #field, .. } => #retryable_call,));
                hints.push(quote!(#path { #member: #field, .. } => #hint_call,));
                // A field of a generic type is `Retryable` only where its parameters are.
                if mentions_a_parameter(ty, &input.generics) {
                    bounds.push(quote!(#ty: #krate::Retryable));
                }
            }
            Class::When {
                field: member,
                judge,
            } => {
                let judged =
                    quote_spanned!(judge.span()=> #krate::__private::judge_field(#judge, #field));
                retryable.push(quote!(#path { #member: #field, .. } => #judged,));
            }
        }
    }
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|clause| {
            clause
                .predicates
                .iter()
                .map(ToTokens::to_token_stream)
                .collect()
        })
        .unwrap_or_default();
    predicates.extend(bounds);
    let where_clause = (!predicates.is_empty()).then(|| quote!(where #(#predicates,)*));
    let retryable = if classified.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #(#retryable)* })
    };
    let hint = if classified.is_empty() {
        quote!(match *self {})
    } else if hints.is_empty() {
        quote!(::core::option::Option::None)
    } else {
        let rest =
            (hints.len() < classified.len()).then(|| quote!(_ => ::core::option::Option::None,));
        quote!(match self { #(#hints)* #rest })
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Retryable for #name #ty_generics #where_clause {
            #[inline]
            fn retryable(&self) -> bool {
                #retryable
            }

            #[inline]
            fn hint(&self) -> ::core::option::Option<::core::time::Duration> {
                #hint
            }
        }
    }
}

/// Whether `ty` names one of `generics`' type parameters.
fn mentions_a_parameter(ty: &Type, generics: &syn::Generics) -> bool {
    fn any_ident(tokens: TokenStream, params: &[&Ident]) -> bool {
        tokens.into_iter().any(|tree| match tree {
            proc_macro2::TokenTree::Ident(ident) => params.contains(&&ident),
            proc_macro2::TokenTree::Group(group) => any_ident(group.stream(), params),
            _ => false,
        })
    }
    let params: Vec<&Ident> = generics.type_params().map(|param| &param.ident).collect();
    !params.is_empty() && any_ident(ty.to_token_stream(), &params)
}
