package training

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

// defaultQuestions are the application form of a programme made on the
// page: motivation, a short CV and a referee, as the intake asks.
func defaultQuestions() []Question {
	return []Question{
		{Code: "motivation", Kind: QuestionLongText, Label: Text{En: "Why do you apply?", Hans: "您为什么申请？", Hant: "您為什麼申請？"}, Required: true},
		{Code: "cv", Kind: QuestionLongText, Label: Text{En: "Your experience (a short CV)", Hans: "您的经历（简历）", Hant: "您的經歷（簡歷）"}, Required: true},
		{Code: "referee", Kind: QuestionText, Label: Text{En: "A referee's name and address", Hans: "推荐人姓名和联系方式", Hant: "推薦人姓名和聯絡方式"}},
	}
}

// defaultCriteria are the selection criteria of a programme made on the
// page.
func defaultCriteria() []Criterion {
	return []Criterion{{Code: "motivation", Name: Text{En: "Motivation", Hans: "动机", Hant: "動機"}},
		{Code: "impact", Name: Text{En: "Expected impact at home", Hans: "预期在本地的影响", Hant: "預期在本地的影響"}}}
}

type newPage struct {
	View
	Kinds   []Kind
	Formats []Format
}

func (h *Handlers) newForm(c *web.Ctx) error {
	f := &web.Form{Values: map[string][]string{"developing": {"yes"}, "hours": {"0"}}}
	return c.RenderForm(http.StatusOK, "training/new", f, newPage{viewFor(c), Kinds, Formats})
}

func (h *Handlers) create(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	var fe errs.Fields
	number := func(name string) int {
		v := strings.TrimSpace(f.Get(name))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			fe.Add(name, "training.number_invalid")
		}
		return n
	}
	p := &Programme{Slug: f.Get("slug"), Title: Text{En: f.Get("title_en"), Hans: f.Get("title_zh")},
		Description: Text{En: f.Get("description_en"), Hans: f.Get("description_zh")}, Kind: Kind(f.Get("kind")),
		Format: Format(f.Get("format")), Languages: f.Values["languages"], StartsOn: f.Get("starts_on"), EndsOn: f.Get("ends_on"),
		Hours: number("hours"), Seats: number("seats"),
		Eligibility: Eligibility{Developing: f.Get("developing") == "yes", Countries: f.Values["countries"],
			AgeMin: number("age_min"), AgeMax: number("age_max")},
		Questions: defaultQuestions(), Criteria: defaultCriteria()}
	err = fe.Err()
	if err == nil {
		err = h.Store.Create(c.Context(), c.User, p)
	}
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		for i := range e.Fields {
			switch e.Fields[i].Name {
			case "title":
				e.Fields[i].Name = "title_en"
			case "description":
				e.Fields[i].Name = "description_en"
			case "eligibility.countries":
				e.Fields[i].Name = "countries"
			case "eligibility.age_max":
				e.Fields[i].Name = "age_max"
			}
		}
		return c.RenderForm(c.Fail(f, e), "training/new", f, newPage{viewFor(c), Kinds, Formats})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/training/" + p.Slug)
}
