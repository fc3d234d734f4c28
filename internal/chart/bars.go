package chart

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// Bar is one bar of a bar chart: a label (such as a year) and its value.
type Bar struct {
	Label string
	Value int
}

// Bar chart geometry, in viewBox units. The chart is barWidth wide and
// grows by barRow per bar, like a table; shown at 100% of a 700-pixel
// column the text is about 15 pixels.
const (
	barWidth   = 640.0
	barRow     = 30.0
	barThick   = 20.0
	barFont    = 14.0
	barPad     = 8.0
	barGap     = 8.0
	barFill    = "#1f6eb0" // 5.6:1 against white
	axisColour = "#6b6b6b"
)

// Bars renders a horizontal bar chart as an inline <svg role="img">, one
// row per bar in the given order: the label on the left, the bar, and the
// value (through valueLabel; nil gives the plain number) as visible text at
// its end. Title is the accessible name; desc the accessible description,
// and when empty one is made from the bars ("2023: 12; 2024: 30"). Each bar
// also has a tooltip. Negative values are drawn as empty bars.
func Bars(title, desc string, bars []Bar, valueLabel func(int) string) template.HTML {
	if valueLabel == nil {
		valueLabel = strconv.Itoa
	}
	id := newID("")
	values := make([]string, len(bars))
	maxV := 0
	labelW, valueW := 0.0, 0.0
	for i, br := range bars {
		values[i] = valueLabel(br.Value)
		maxV = max(maxV, br.Value)
		labelW = max(labelW, textWidth(br.Label, barFont))
		valueW = max(valueW, textWidth(values[i], barFont))
	}
	labelW = min(labelW, barWidth/3)
	valueW = min(valueW, barWidth/3)
	x0 := round1(barPad + labelW + barGap) // the axis
	span := barWidth - x0 - barGap - valueW - barPad
	height := round1(2*barPad + float64(len(bars))*barRow)

	if desc == "" {
		parts := make([]string, len(bars))
		for i, br := range bars {
			parts[i] = br.Label + ": " + values[i]
		}
		desc = strings.Join(parts, "; ")
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="100%%" role="img" aria-labelledby="%s-title" aria-describedby="%s-desc" class="chart chart-bars" font-family="%s" font-size="%s" fill="%s">`,
		num(barWidth), num(height), id, id, fontFamily, num(barFont), textColour)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(title), id, esc(desc))
	for i, br := range bars {
		y := barPad + float64(i)*barRow
		w := 0.0
		if maxV > 0 && br.Value > 0 {
			w = max(round1(span*float64(br.Value)/float64(maxV)), 1)
		}
		mid := round1(y + barRow/2 + barFont*0.35) // text baseline, centred on the bar
		fmt.Fprintf(&b, `<g><title>%s</title>`, esc(br.Label+": "+values[i]))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end">%s</text>`, num(round1(x0-barGap)), num(mid), esc(br.Label))
		if w > 0 {
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, num(x0), num(round1(y+(barRow-barThick)/2)), num(w), num(barThick), barFill)
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`, num(round1(x0+w+barGap/2)), num(mid), esc(values[i]))
		b.WriteString(`</g>`)
	}
	if len(bars) > 0 {
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(x0), num(barPad), num(x0), num(round1(height-barPad)), axisColour)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
