use retry_runtime::retry;

#[retry(context = 5)]
fn number() -> Result<(), ()> {
    Ok(())
}

#[retry(context = _)]
fn underscore() -> Result<(), ()> {
    Ok(())
}

#[retry(context = self)]
fn receiver() -> Result<(), ()> {
    Ok(())
}

#[retry(context = fn)]
fn keyword() -> Result<(), ()> {
    Ok(())
}

#[retry(context)]
fn no_value() -> Result<(), ()> {
    Ok(())
}

#[retry(context = id)]
fn hides(id: u32) -> Result<u32, ()> {
    Ok(id)
}

#[retry(context = cx)]
fn misuses() -> Result<u32, ()> {
    Ok(cx)
}

fn main() {
    let _ = (number(), underscore(), receiver(), keyword(), no_value(), hides(1), misuses());
}
