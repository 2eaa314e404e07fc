fn main() {
    let password = std::env::var("DB_PASSWORD").unwrap();
    println!("{}", password.len());
}
