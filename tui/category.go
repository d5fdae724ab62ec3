package tui

import "github.com/vigil-sec/vigil/themes"

// categoryWeight says how much a category matters, which picks its badge
// colour: the weight from the category table (shared/spec/categories.md).
func categoryWeight(id string) themes.Weight { return themes.WeightOf(id) }
