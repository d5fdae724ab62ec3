package event

// Weight says how loudly a category should be shown: it picks the badge
// colour and glyph, and is not the event's severity.
type Weight uint8

// Category weights, from least to most important.
const (
	WeightLow Weight = iota
	WeightMedium
	WeightHigh
)

// String returns "low", "medium" or "high".
func (w Weight) String() string {
	switch w {
	case WeightMedium:
		return "medium"
	case WeightHigh:
		return "high"
	}
	return "low"
}

// Category describes one security category ID of the contract
// (shared/spec/categories.md), from NZISM section 16.6.
type Category struct {
	// ID is the contract ID, such as "auth.failure".
	ID string
	// Title is a short human name for reports.
	Title string
	// Short is the badge text where space is tight (the UI's event
	// list): at most ten cells, one to one with the IDs.
	Short string
	// Control lists the NZISM 16.6 controls the category serves.
	Control string
	Weight  Weight
}

// categories is the table of the 21 categories, in the contract's order.
var categories = [...]Category{
	{"auth.success", "successful logons", "login", "16.6.9, 16.6.10", WeightLow},
	{"auth.failure", "failed logons", "login-fail", "16.6.9, 16.6.10", WeightHigh},
	{"auth.logout", "logoffs", "logout", "16.6.10", WeightLow},
	{"privilege.use", "privileged operations", "priv", "16.6.9, 16.6.10", WeightMedium},
	{"privilege.failure", "failed elevation", "priv-fail", "16.6.9", WeightHigh},
	{"account.change", "user and group changes", "account", "16.6.7, 16.6.9", WeightHigh},
	{"permission.change", "permission and role changes", "perms", "16.6.9, 16.6.10", WeightHigh},
	{"access.denied", "denied access", "denied", "16.6.9, 16.6.10", WeightHigh},
	{"security.alert", "security alerts", "alert", "16.6.9", WeightHigh},
	{"software.change", "software changes", "software", "16.6.9", WeightMedium},
	{"system.startup", "system start-up", "boot", "16.6.7, 16.6.10", WeightMedium},
	{"system.shutdown", "system shutdown", "shutdown", "16.6.7, 16.6.10", WeightMedium},
	{"service.failure", "service failures", "svc-fail", "16.6.7, 16.6.9, 16.6.10", WeightHigh},
	{"service.restart", "service restarts", "service", "16.6.10", WeightLow},
	{"config.change", "configuration changes", "config", "16.6.7, 16.6.10", WeightMedium},
	{"time.change", "clock changes", "clock", "16.6.11", WeightMedium},
	{"log.integrity", "logging disruption", "log-loss", "16.6.8, 16.6.12", WeightHigh},
	{"system.recovery", "recovery", "recovery", "16.6.7, 16.6.9", WeightMedium},
	{"maintenance", "maintenance and backup", "maint", "16.6.7", WeightLow},
	{"data.transfer", "data import and export", "transfer", "16.6.10", WeightMedium},
	{"data.access", "sensitive data access", "data", "16.6.10", WeightMedium},
}

// Categories returns the 21 categories in the contract's order. The slice
// is a copy.
func Categories() []Category {
	c := categories
	return c[:]
}

// LookupCategory returns the category with the given ID.
func LookupCategory(id string) (Category, bool) {
	if i := CategoryIndex(id); i >= 0 {
		return categories[i], true
	}
	return Category{}, false
}

// categoryIndex maps an ID to its position in the contract's order.
var categoryIndex = func() map[string]int {
	m := make(map[string]int, len(categories))
	for i, c := range categories {
		m[c.ID] = i
	}
	return m
}()

// CategoryIndex returns the position of id in the contract's order, or -1.
func CategoryIndex(id string) int {
	if i, ok := categoryIndex[id]; ok {
		return i
	}
	return -1
}
