//! Chinese numerals and dates as official documents write them.

use chrono::{Datelike, NaiveDate};

/// Writes 1–99 as Chinese numerals (一, 十, 十一, 二十八); larger numbers stay in digits.
pub fn cn_numeral(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!(
            "十{}",
            if n == 10 {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            }
        ),
        20..=99 => format!(
            "{}十{}",
            DIGITS[(n / 10) as usize],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            }
        ),
        _ => n.to_string(),
    }
}

/// A date as official documents write it: 2026年12月25日.
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A date in a document about `year`: 12月28日 when it falls in that year, where the year
/// goes without saying, else in full (2027年1月6日).
pub fn cn_date_in(d: NaiveDate, year: i32) -> String {
    if d.year() == year {
        format!("{}月{}日", d.month(), d.day())
    } else {
        cn_date(d)
    }
}

/// The yearly deadline in words: 12月底前 when it is a month's last day, else 11月20日前.
pub fn deadline_words(month: u32, day: u32) -> String {
    // A non-leap year, so that 2-28 reads as the end of February.
    let last = NaiveDate::from_ymd_opt(2001, month, day)
        .and_then(|d| d.succ_opt())
        .is_some_and(|next| next.month() != month);
    if last {
        format!("{month}月底前")
    } else {
        format!("{month}月{day}日前")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        let got: Vec<String> = [1, 7, 10, 11, 20, 28, 99, 100].map(cn_numeral).to_vec();
        assert_eq!(
            got,
            ["一", "七", "十", "十一", "二十", "二十八", "九十九", "100"]
        );
    }

    #[test]
    fn deadline_words_say_month_end_or_the_day() {
        assert_eq!(deadline_words(12, 31), "12月底前");
        assert_eq!(deadline_words(11, 30), "11月底前");
        assert_eq!(deadline_words(12, 20), "12月20日前");
        assert_eq!(deadline_words(2, 28), "2月底前");
    }

    #[test]
    fn dates_have_no_leading_zeros() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        assert_eq!(cn_date(d), "2026年1月5日");
        assert_eq!(cn_date_in(d, 2026), "1月5日");
        assert_eq!(cn_date_in(d, 2025), "2026年1月5日");
    }
}
