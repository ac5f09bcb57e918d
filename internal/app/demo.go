package app

import (
	"context"
	"fmt"
	"io"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/place"
)

// DemoPassword is the password of every demo staff account.
const DemoPassword = "onramp-demo"

// Demo learner's sign-in.
const (
	DemoLearnerPhone = "+70000000001"
	DemoLearnerPIN   = "246810"
)

// demoPlace is one place of the demo deployments, by code.
type demoPlace struct {
	code, parent string
	kind         place.Kind
	venue        place.VenueKind
	pop          int64 // adults; 0 = unknown (sum of children)
	names        map[string]string
}

// demoPlaces are two deployments that look like the real ones: a Russian-speaking
// region (Yugra: municipalities, libraries, social institutions) and a
// Vietnamese city with wards and ward culture houses. Adult populations are
// rounded figures of the right size.
func demoPlaces() []demoPlace {
	n := func(en, ru, uk, lv, vi string) map[string]string {
		return map[string]string{"en": en, "ru": ru, "uk": uk, "lv": lv, "vi": vi}
	}
	return []demoPlace{
		{"RU", "", place.KindCountry, "", 0, n("Russia", "Россия", "Росія", "Krievija", "Nga")},
		{"RU-KHM", "RU", place.KindRegion, "", 0, n("Khanty-Mansi Autonomous Okrug – Yugra", "Ханты-Мансийский автономный округ — Югра", "Ханти-Мансійський автономний округ — Югра", "Hantu-Mansu autonomais apvidus — Jugra", "Khu tự trị Khanty-Mansi – Yugra")},
		{"RU-KHM-SUR", "RU-KHM", place.KindMunicipality, "", 300000, n("Surgut", "Сургут", "Сургут", "Surguta", "Surgut")},
		{"RU-KHM-NVR", "RU-KHM", place.KindMunicipality, "", 220000, n("Nizhnevartovsk", "Нижневартовск", "Нижньовартовськ", "Ņižņevartovska", "Nizhnevartovsk")},
		{"RU-KHM-HMA", "RU-KHM", place.KindMunicipality, "", 78000, n("Khanty-Mansiysk", "Ханты-Мансийск", "Ханти-Мансійськ", "Hantimansijska", "Khanty-Mansiysk")},
		{"RU-KHM-SUR-LIB1", "RU-KHM-SUR", place.KindVenue, place.VenueLibrary, 0, n("Surgut Central City Library", "Центральная городская библиотека Сургута", "Центральна міська бібліотека Сургута", "Surgutas Centrālā pilsētas bibliotēka", "Thư viện Trung tâm thành phố Surgut")},
		{"RU-KHM-SUR-LIB2", "RU-KHM-SUR", place.KindVenue, place.VenueLibrary, 0, n("Surgut Library No. 4", "Библиотека № 4 (Сургут)", "Бібліотека № 4 (Сургут)", "Surgutas 4. bibliotēka", "Thư viện số 4 (Surgut)")},
		{"RU-KHM-SUR-KCSON", "RU-KHM-SUR", place.KindVenue, place.VenueSocialInstitution, 0, n("Surgut Social Services Centre", "Комплексный центр социального обслуживания населения «Сургутский»", "Комплексний центр соціального обслуговування «Сургутський»", "Surgutas sociālo pakalpojumu centrs", "Trung tâm dịch vụ xã hội Surgut")},
		{"RU-KHM-NVR-LIB1", "RU-KHM-NVR", place.KindVenue, place.VenueLibrary, 0, n("Nizhnevartovsk City Library", "Городская библиотека Нижневартовска", "Міська бібліотека Нижньовартовська", "Ņižņevartovskas pilsētas bibliotēka", "Thư viện thành phố Nizhnevartovsk")},
		{"RU-KHM-NVR-CARE", "RU-KHM-NVR", place.KindVenue, place.VenueCareHome, 0, n("Nizhnevartovsk Care Home for Older People", "Дом-интернат для престарелых «Нижневартовский»", "Будинок-інтернат для літніх людей «Нижньовартовський»", "Ņižņevartovskas veco ļaužu pansionāts", "Viện dưỡng lão Nizhnevartovsk")},
		{"RU-KHM-HMA-LIB1", "RU-KHM-HMA", place.KindVenue, place.VenueLibrary, 0, n("Yugra State Library", "Государственная библиотека Югры", "Державна бібліотека Югри", "Jugras valsts bibliotēka", "Thư viện Nhà nước Yugra")},
		{"VN", "", place.KindCountry, "", 0, n("Viet Nam", "Вьетнам", "В'єтнам", "Vjetnama", "Việt Nam")},
		{"VN-DN", "VN", place.KindRegion, "", 0, n("Da Nang City", "Город Дананг", "Місто Дананг", "Dananga", "Thành phố Đà Nẵng")},
		{"VN-DN-CITY", "VN-DN", place.KindMunicipality, "", 0, n("Da Nang (urban wards)", "Дананг (городские кварталы)", "Дананг (міські квартали)", "Dananga (pilsētas kvartāli)", "Đà Nẵng (các phường nội thành)")},
		{"VN-DN-HC", "VN-DN-CITY", place.KindWard, "", 95000, n("Hai Chau Ward", "Квартал Хайтяу", "Квартал Хайтяу", "Haitjau kvartāls", "Phường Hải Châu")},
		{"VN-DN-TK", "VN-DN-CITY", place.KindWard, "", 80000, n("Thanh Khe Ward", "Квартал Тханькхе", "Квартал Тханькхе", "Tanhkhe kvartāls", "Phường Thanh Khê")},
		{"VN-DN-ST", "VN-DN-CITY", place.KindWard, "", 70000, n("Son Tra Ward", "Квартал Шонча", "Квартал Шонча", "Šončas kvartāls", "Phường Sơn Trà")},
		{"VN-DN-HC-NVH", "VN-DN-HC", place.KindVenue, place.VenueCommunityCentre, 0, n("Hai Chau Ward Culture House", "Дом культуры квартала Хайтяу", "Будинок культури кварталу Хайтяу", "Haitjau kvartāla kultūras nams", "Nhà văn hóa phường Hải Châu")},
		{"VN-DN-TK-LIB", "VN-DN-TK", place.KindVenue, place.VenueLibrary, 0, n("Thanh Khe Ward Library", "Библиотека квартала Тханькхе", "Бібліотека кварталу Тханькхе", "Tanhkhe kvartāla bibliotēka", "Thư viện phường Thanh Khê")},
		{"VN-DN-ST-SCH", "VN-DN-ST", place.KindVenue, place.VenueSchool, 0, n("Son Tra Lower Secondary School", "Школа Шонча", "Школа Шонча", "Šončas pamatskola", "Trường THCS Sơn Trà")},
	}
}

// demoAccount is one demo login.
type demoAccount struct {
	name, email, phone, lang string
	role                     account.Role
	places                   []string // codes
}

func demoAccounts() []demoAccount {
	return []demoAccount{
		{"Anna Admin", "admin@demo.example", "", "en", account.Admin, []string{"RU", "VN"}},
		{"Марина Петрова", "manager@demo.example", "", "ru", account.Manager, []string{"RU-KHM"}},
		{"Ольга Смирнова", "coordinator@demo.example", "", "ru", account.Coordinator, []string{"RU-KHM-SUR-LIB1"}},
		{"Ирина Ковалёва", "trainer@demo.example", "", "ru", account.Trainer, []string{"RU-KHM-SUR-LIB1"}},
		{"Алексей Иванов", "outreach@demo.example", "", "ru", account.Outreach, []string{"RU-KHM-SUR"}},
		{"Наталья Соколова", "caseworker@demo.example", "", "ru", account.Caseworker, []string{"RU-KHM-SUR"}},
		{"Дмитрий Орлов", "analyst@demo.example", "", "ru", account.Analyst, []string{"RU-KHM"}},
		{"Nguyễn Thị Lan", "trainer.vn@demo.example", "", "vi", account.Trainer, []string{"VN-DN-HC-NVH"}},
	}
}

// DemoLogins is what `serve --demo` prints.
func DemoLogins() []string {
	var out []string
	for _, a := range demoAccounts() {
		out = append(out, fmt.Sprintf("%-12s %-26s password %s", a.role, a.email, DemoPassword))
	}
	out = append(out, fmt.Sprintf("%-12s phone %-20s PIN %s", account.Learner, DemoLearnerPhone, DemoLearnerPIN))
	return out
}

// LoadDemo creates the demo deployments and accounts. It is idempotent: what
// exists (by place code, e-mail or phone) is left as it is.
func (a *App) LoadDemo(ctx context.Context) error {
	ids := map[string]string{}
	for _, dp := range demoPlaces() {
		if p, err := a.Places.FindPlaceByCode(ctx, dp.code); err == nil {
			ids[dp.code] = p.ID
			continue
		} else if !errs.Is(err, errs.NotFound) {
			return err
		}
		np := place.NewPlace{ParentID: ids[dp.parent], Kind: dp.kind, VenueKind: dp.venue, Code: dp.code, Names: dp.names}
		if dp.pop > 0 {
			pop := dp.pop
			np.AdultPopulation = &pop
		}
		p, err := a.Places.CreatePlace(ctx, np)
		if err != nil {
			return fmt.Errorf("demo place %s: %w", dp.code, err)
		}
		ids[dp.code] = p.ID
	}
	for _, da := range demoAccounts() {
		if err := a.demoUser(ctx, da, ids); err != nil {
			return err
		}
	}
	learners := []struct{ name, phone, pin, lang, venue string }{
		{"Валентина Николаевна", DemoLearnerPhone, DemoLearnerPIN, "ru", "RU-KHM-SUR-LIB1"},
		{"Пётр Сергеевич", "+70000000002", "314159", "ru", "RU-KHM-SUR-LIB1"},
		{"Галина Ивановна", "+70000000003", "271828", "ru", "RU-KHM-NVR-CARE"},
		{"Trần Văn Minh", "+84000000001", "246810", "vi", "VN-DN-HC-NVH"},
	}
	for _, l := range learners {
		if _, err := a.Accounts.CreateUser(ctx, account.NewUser{
			DisplayName: l.name, Phone: l.phone, PIN: l.pin, PreferredLang: l.lang,
			Role: account.Learner, PlaceID: ids[l.venue],
		}); err != nil && !errs.Is(err, errs.Conflict) {
			return fmt.Errorf("demo learner %s: %w", l.phone, err)
		}
	}
	return nil
}

func (a *App) demoUser(ctx context.Context, da demoAccount, ids map[string]string) error {
	u, err := a.Accounts.CreateUser(ctx, account.NewUser{
		DisplayName: da.name, Email: da.email, Phone: da.phone, Password: DemoPassword, PreferredLang: da.lang,
		Role: da.role, PlaceID: ids[da.places[0]],
	})
	if errs.Is(err, errs.Conflict) {
		return nil // already there from an earlier run
	}
	if err != nil {
		return fmt.Errorf("demo account %s: %w", da.email, err)
	}
	for _, code := range da.places[1:] {
		if err := a.Accounts.GrantRole(ctx, u.ID, da.role, ids[code], ""); err != nil && !errs.Is(err, errs.Conflict) {
			return err
		}
	}
	return nil
}

// PrintDemoLogins writes the demo logins under the start-up banner.
func PrintDemoLogins(w io.Writer) {
	fmt.Fprintf(w, "Demo logins (every staff password is %q):\n", DemoPassword)
	for _, l := range DemoLogins() {
		fmt.Fprintln(w, "  "+l)
	}
}
