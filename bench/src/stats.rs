//! Repeated measurements of one figure, their median, and the units the
//! report prints them in.
//!
//! Every figure in the report is a median: a plan that happens to share
//! the two cores with a compiler moves a mean, not a median.

use std::time::Duration;

/// Several measurements of one figure, in a base unit (seconds, bytes or
/// requests) that the caller knows.
#[derive(Clone, Debug, Default)]
pub struct Sample {
    values: Vec<f64>,
}

impl Sample {
    /// Adds one measurement.
    pub fn push(&mut self, value: f64) {
        self.values.push(value);
    }

    /// Adds one duration, in seconds.
    pub fn push_duration(&mut self, elapsed: Duration) {
        self.push(elapsed.as_secs_f64());
    }

    /// How many measurements were taken.
    pub fn runs(&self) -> usize {
        self.values.len()
    }

    /// The middle measurement; the mean of the two middle ones when the
    /// count is even, and NaN when there is none.
    pub fn median(&self) -> f64 {
        let mut sorted = self.values.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        match n {
            0 => f64::NAN,
            _ if n % 2 == 1 => sorted[n / 2],
            _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        }
    }
}

/// A time in seconds, in the unit that reads best.
pub fn seconds(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_owned();
    }
    if value.abs() >= 1.0 {
        format!("{value:.2} s")
    } else if value.abs() >= 0.01 {
        format!("{:.0} ms", value * 1e3)
    } else {
        format!("{:.2} ms", value * 1e3)
    }
}

/// A size in bytes, in MiB.
pub fn mebibytes(bytes: f64) -> String {
    format!("{:.1} MiB", bytes / (1024.0 * 1024.0))
}

/// A count with thousands separators: 50000 reads as 50,000.
pub fn count(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A figure divided by its floor, as the report's "× floor" column.
pub fn ratio(value: f64, floor: f64) -> String {
    if !value.is_finite() || !floor.is_finite() || floor <= 0.0 {
        return "n/a".to_owned();
    }
    format!("×{:.2}", value / floor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(values: &[f64]) -> Sample {
        let mut sample = Sample::default();
        values.iter().for_each(|v| sample.push(*v));
        sample
    }

    #[test]
    fn median_of_an_odd_count_is_the_middle_value() {
        assert_eq!(sample(&[5.0, 1.0, 3.0]).median(), 3.0);
    }

    #[test]
    fn median_of_an_even_count_averages_the_middle_pair() {
        assert_eq!(sample(&[4.0, 1.0, 2.0, 3.0]).median(), 2.5);
    }

    #[test]
    fn an_empty_sample_has_no_median() {
        assert!(Sample::default().median().is_nan());
    }

    #[test]
    fn units_read_naturally() {
        assert_eq!(seconds(2.5), "2.50 s");
        assert_eq!(seconds(0.0421), "42 ms");
        assert_eq!(seconds(0.0042), "4.20 ms");
        assert_eq!(count(50_000), "50,000");
        assert_eq!(count(834), "834");
        assert_eq!(ratio(3.0, 2.0), "×1.50");
        assert_eq!(ratio(3.0, 0.0), "n/a");
    }
}
