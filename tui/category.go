package tui

import "github.com/vigil-sec/vigil/themes"

// categoryWeight says how much a category matters, which picks its badge
// colour. This fixed list stands in until rules carry their own weights.
func categoryWeight(id string) themes.Weight {
	switch id {
	case "auth.failure", "privilege.failure", "account.change", "permission.change",
		"access.denied", "security.alert", "service.failure", "log.integrity":
		return themes.High
	case "privilege.use", "software.change", "system.startup", "system.shutdown",
		"config.change", "time.change", "system.recovery", "data.transfer", "data.access":
		return themes.Medium
	}
	return themes.Low
}
