package account

import (
	"slices"
	"testing"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/testkit"
)

// The three kinds of account the issue names.
func staff() NewUser {
	return NewUser{DisplayName: "Anna Petrova", Email: "Anna.Petrova@Library.example.org",
		Password: "onramp-demo", PreferredLang: "ru", Role: Trainer, PlaceID: "venue-a"}
}

func learnerWithPIN() NewUser {
	return NewUser{DisplayName: "Ёжик Туманов", Phone: "+7 912 345-67-89", PIN: "582031",
		Role: Learner, PlaceID: "venue-a", CreatedBy: "trainer-1"}
}

func assisted() NewUser {
	return NewUser{DisplayName: "Nguyễn Thị Hà", Assisted: true, PreferredLang: "vi",
		Role: Learner, PlaceID: "venue-b", CreatedBy: "trainer-1"}
}

func TestCreateAndFindUser(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, c := newTestService(t, d)
		ctx := t.Context()

		st, err := s.CreateUser(ctx, staff())
		if err != nil {
			t.Fatal(err)
		}
		if st.Email != "anna.petrova@library.example.org" || st.Phone != "" || !st.HasPassword || st.HasPIN ||
			st.Assisted || st.PreferredLang != "ru" || !st.CreatedAt.Equal(c.Now()) || st.CreatedBy != "" {
			t.Fatalf("staff user: %+v", st)
		}
		le, err := s.CreateUser(ctx, learnerWithPIN())
		if err != nil {
			t.Fatal(err)
		}
		if le.Phone != "+79123456789" || le.HasPassword || !le.HasPIN || le.CreatedBy != "trainer-1" {
			t.Fatalf("learner: %+v", le)
		}
		as, err := s.CreateUser(ctx, assisted())
		if err != nil {
			t.Fatal(err)
		}
		if as.Email != "" || as.Phone != "" || as.HasPIN || as.HasPassword || !as.Assisted {
			t.Fatalf("assisted: %+v", as)
		}

		for _, want := range []User{st, le, as} {
			got, err := s.FindUserByID(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("FindUserByID:\n got %+v\nwant %+v", got, want)
			}
			if len(want.ID) != 36 || want.ID[14] != '7' {
				t.Fatalf("ID %q is not a UUIDv7", want.ID)
			}
		}
		gs, err := s.GrantsOf(ctx, le.ID)
		if err != nil || len(gs) != 1 || gs[0].Role != Learner || gs[0].PlaceID != "venue-a" ||
			gs[0].GrantedBy != "trainer-1" || !gs[0].GrantedAt.Equal(c.Now()) {
			t.Fatalf("grants of the learner: %+v, %v", gs, err)
		}

		_, err = s.FindUserByID(ctx, "no-such-id")
		wantCode(t, err, errs.NotFound, "account.user.not_found")

		// With the real clock (nanoseconds, monotonic reading) too, what
		// CreateUser returns is what is read back.
		real := NewService(d, nil, nil, nil)
		real.params = cheapParams()
		made, err := real.CreateUser(ctx, assisted())
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := real.FindUserByID(ctx, made.ID); got != made {
			t.Fatalf("read back %+v, made %+v", got, made)
		}
	})
}

func TestCreateUserDuplicates(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		s = s.WithCallingCode("7")
		ctx := t.Context()
		if _, err := s.CreateUser(ctx, staff()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, learnerWithPIN()); err != nil {
			t.Fatal(err)
		}
		dupEmail := staff()
		dupEmail.Email = "  ANNA.petrova@library.EXAMPLE.org"
		_, err := s.CreateUser(ctx, dupEmail)
		e := wantCode(t, err, errs.Conflict, "account.user.email_taken")
		if e.Fields["email"] != "account.user.email_taken" {
			t.Fatalf("fields %v", e.Fields)
		}
		dupPhone := learnerWithPIN()
		dupPhone.Phone = "8 (912) 345 67 89" // the same number, national form
		_, err = s.CreateUser(ctx, dupPhone)
		wantCode(t, err, errs.Conflict, "account.user.phone_taken")

		// Two assisted accounts with neither e-mail nor phone are fine.
		for range 2 {
			if _, err := s.CreateUser(ctx, assisted()); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestCreateUserValidation(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		ctx := t.Context()
		for _, c := range []struct {
			name       string
			change     func(*NewUser)
			field, key string
		}{
			{"no name", func(u *NewUser) { u.DisplayName = " \t " }, "display_name", "form.required"},
			{"name of control characters", func(u *NewUser) { u.DisplayName = "\x00\x01" }, "display_name", "form.required"},
			{"long name", func(u *NewUser) { u.DisplayName = string(slices.Repeat([]rune{'я'}, 201)) }, "display_name", "form.too_long"},
			{"bad e-mail", func(u *NewUser) { u.Email = "anna@" }, "email", "form.invalid_email"},
			{"bad phone", func(u *NewUser) { u.Phone = "call me" }, "phone", "form.invalid_phone"},
			{"national phone without calling code", func(u *NewUser) { u.Phone = "8 912 345 67 89" }, "phone", "form.invalid_phone"},
			{"short password", func(u *NewUser) { u.Password = "short" }, "password", "form.password_short"},
			{"common password", func(u *NewUser) { u.Password = "password123" }, "password", "form.password_common"},
			{"password without identifier", func(u *NewUser) { u.Email = ""; u.Assisted = true }, "email", "form.required"},
			{"PIN without phone", func(u *NewUser) { u.PIN = "582031" }, "phone", "form.required"},
			{"bad PIN", func(u *NewUser) { u.Phone = "+37121234567"; u.PIN = "1234" }, "pin", "form.pin_format"},
			{"common PIN", func(u *NewUser) { u.Phone = "+37121234567"; u.PIN = "123456" }, "pin", "form.pin_common"},
			{"no way to sign in", func(u *NewUser) { u.Email = ""; u.Password = "" }, "phone", "form.required"},
			{"bad language", func(u *NewUser) { u.PreferredLang = "<script>" }, "preferred_lang", "form.invalid_choice"},
			{"bad role", func(u *NewUser) { u.Role = "boss" }, "role", "form.invalid_choice"},
			{"role without place", func(u *NewUser) { u.PlaceID = "" }, "place_id", "form.required"},
			{"place without role", func(u *NewUser) { u.Role = "" }, "role", "form.invalid_choice"},
		} {
			t.Run(c.name, func(t *testing.T) {
				nu := staff()
				c.change(&nu)
				_, err := s.CreateUser(ctx, nu)
				wantField(t, err, c.field, c.key)
			})
		}
		users, err := s.FindUsers(ctx, Filter{AllPlaces: true})
		if err != nil || len(users) != 0 {
			t.Fatalf("refused input was stored: %v %v", users, err)
		}
	})
}

func TestFindUsers(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		ctx := t.Context()
		st, _ := s.CreateUser(ctx, staff())          // trainer on venue-a
		le, _ := s.CreateUser(ctx, learnerWithPIN()) // learner on venue-a
		as, _ := s.CreateUser(ctx, assisted())       // learner on venue-b
		adm, err := s.CreateUser(ctx, NewUser{DisplayName: "Admin 100%_off", Email: "root@example.org",
			Password: "long enough pass", Role: Admin, PlaceID: "country"})
		if err != nil {
			t.Fatal(err)
		}
		ids := func(us []User) []string {
			var out []string
			for _, u := range us {
				out = append(out, u.ID)
			}
			return out
		}
		for _, c := range []struct {
			name string
			f    Filter
			want []User
		}{
			{"no places means nobody", Filter{}, nil},
			{"empty places means nobody", Filter{PlaceIDs: []string{}}, nil},
			{"all", Filter{AllPlaces: true}, []User{adm, st, as, le}}, // by folded name
			{"venue a", Filter{PlaceIDs: []string{"venue-a"}}, []User{st, le}},
			{"venues a and b", Filter{PlaceIDs: []string{"venue-a", "venue-b"}}, []User{st, as, le}},
			{"learners of a", Filter{PlaceIDs: []string{"venue-a"}, Role: Learner}, []User{le}},
			{"learners anywhere", Filter{AllPlaces: true, Role: Learner}, []User{as, le}},
			{"unknown place", Filter{PlaceIDs: []string{"elsewhere"}}, nil},
			{"query, case and diacritics", Filter{AllPlaces: true, Query: "ежик"}, []User{le}},
			{"query, Vietnamese", Filter{AllPlaces: true, Query: "nguyen thi"}, []User{as}},
			{"query, e-mail", Filter{AllPlaces: true, Query: "LIBRARY.example"}, []User{st}},
			{"query, phone digits", Filter{AllPlaces: true, Query: "345 67"}, []User{le}},
			{"query, LIKE characters are literal", Filter{AllPlaces: true, Query: "100%_"}, []User{adm}},
			{"query, % alone matches names with %", Filter{AllPlaces: true, Query: "%"}, []User{adm}},
			{"query and place", Filter{PlaceIDs: []string{"venue-b"}, Query: "ежик"}, nil},
			{"limit", Filter{AllPlaces: true, Limit: 2}, []User{adm, st}},
			{"offset", Filter{AllPlaces: true, Limit: 2, Offset: 3}, []User{le}},
		} {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.FindUsers(ctx, c.f)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(ids(got), ids(c.want)) {
					t.Fatalf("got %v, want %v", ids(got), ids(c.want))
				}
			})
		}
		if _, err := s.UpdateUser(ctx, as.ID, UserUpdate{Disabled: ptr(true)}, adm.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := s.FindUsers(ctx, Filter{AllPlaces: true, Role: Learner, ActiveOnly: true})
		if !slices.Equal(ids(got), []string{le.ID}) {
			t.Fatalf("ActiveOnly: %v", ids(got))
		}
		_, err = s.FindUsers(ctx, Filter{AllPlaces: true, Role: "boss"})
		wantField(t, err, "role", "form.invalid_choice")
	})
}

func TestUpdateUser(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, c := newTestService(t, d)
		ctx := t.Context()
		st, _ := s.CreateUser(ctx, staff())
		le, _ := s.CreateUser(ctx, learnerWithPIN())

		c.Add(1000)
		u, err := s.UpdateUser(ctx, le.ID, UserUpdate{DisplayName: ptr("  Ёжик   Туманов-Младший "),
			Email: ptr("Ezhik@Example.org"), PreferredLang: ptr("uk")}, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.DisplayName != "Ёжик Туманов-Младший" || u.Email != "ezhik@example.org" || u.PreferredLang != "uk" ||
			u.Phone != le.Phone || u.UpdatedBy != st.ID || !u.UpdatedAt.Equal(c.Now()) || !u.CreatedAt.Equal(le.CreatedAt) {
			t.Fatalf("updated: %+v", u)
		}
		if got, _ := s.FindUserByID(ctx, le.ID); got != u {
			t.Fatalf("stored %+v, returned %+v", got, u)
		}
		if found, _ := s.FindUsers(ctx, Filter{AllPlaces: true, Query: "младший"}); len(found) != 1 {
			t.Fatal("the folded name was not updated")
		}

		_, err = s.UpdateUser(ctx, le.ID, UserUpdate{Email: ptr("anna.petrova@library.example.org")}, "")
		wantCode(t, err, errs.Conflict, "account.user.email_taken")
		_, err = s.UpdateUser(ctx, le.ID, UserUpdate{Email: ptr("x@")}, "")
		wantField(t, err, "email", "form.invalid_email")
		_, err = s.UpdateUser(ctx, le.ID, UserUpdate{Email: ptr(""), Phone: ptr("")}, "")
		wantField(t, err, "phone", "form.required")
		// Keeping its own e-mail is not a conflict.
		if _, err := s.UpdateUser(ctx, le.ID, UserUpdate{Email: ptr("EZHIK@example.org")}, ""); err != nil {
			t.Fatal(err)
		}
		// Becoming assisted allows having neither.
		u, err = s.UpdateUser(ctx, le.ID, UserUpdate{Assisted: ptr(true), Email: ptr(""), Phone: ptr("")}, "")
		if err != nil || u.Email != "" || u.Phone != "" || !u.Assisted {
			t.Fatalf("assisted without contacts: %+v, %v", u, err)
		}

		u, err = s.UpdateUser(ctx, st.ID, UserUpdate{Disabled: ptr(true)}, "")
		if err != nil || !u.Disabled() || !u.DisabledAt.Equal(c.Now()) {
			t.Fatalf("disable: %+v, %v", u, err)
		}
		u, err = s.UpdateUser(ctx, st.ID, UserUpdate{Disabled: ptr(false)}, "")
		if err != nil || u.Disabled() {
			t.Fatalf("enable: %+v, %v", u, err)
		}

		_, err = s.UpdateUser(ctx, "no-such-id", UserUpdate{DisplayName: ptr("x")}, "")
		wantCode(t, err, errs.NotFound, "account.user.not_found")
	})
}

func TestGrants(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		ctx := t.Context()
		// The first administrator, as `onramp user add --role admin --place P --email E` makes it.
		root, err := s.CreateUser(ctx, NewUser{DisplayName: "Administrator", Email: "admin@example.org",
			Password: "onramp-demo", Role: Admin, PlaceID: "country"})
		if err != nil {
			t.Fatal(err)
		}
		st, _ := s.CreateUser(ctx, staff())

		if err := s.GrantRole(ctx, st.ID, Coordinator, "venue-a", root.ID); err != nil {
			t.Fatal(err)
		}
		err = s.GrantRole(ctx, st.ID, Coordinator, "venue-a", root.ID)
		wantCode(t, err, errs.Conflict, "account.grant.exists")
		err = s.GrantRole(ctx, "no-such-id", Coordinator, "venue-a", root.ID)
		wantCode(t, err, errs.NotFound, "account.user.not_found")
		wantField(t, s.GrantRole(ctx, st.ID, "boss", "venue-a", root.ID), "role", "form.invalid_choice")
		wantField(t, s.GrantRole(ctx, st.ID, Trainer, "", root.ID), "place_id", "form.required")
		wantField(t, s.GrantRole(ctx, st.ID, Trainer, "bad\x00id", root.ID), "place_id", "form.invalid_choice")

		gs, err := s.GrantsOf(ctx, st.ID)
		if err != nil || len(gs) != 2 {
			t.Fatalf("grants: %+v %v", gs, err)
		}
		if !Grants(gs).Allows(ActManageClasses, []string{"venue-a", "muni"}) {
			t.Fatal("the new coordinator grant does not count")
		}

		if err := s.RevokeRole(ctx, st.ID, Coordinator, "venue-a"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.RevokeRole(ctx, st.ID, Coordinator, "venue-a"), errs.NotFound, "account.grant.not_found")
		if gs, _ := s.GrantsOf(ctx, "no-such-id"); len(gs) != 0 {
			t.Fatal("grants for nobody")
		}

		// The last administrator stays.
		wantCode(t, s.RevokeRole(ctx, root.ID, Admin, "country"), errs.Conflict, "account.admin.last")
		_, err = s.UpdateUser(ctx, root.ID, UserUpdate{Disabled: ptr(true)}, root.ID)
		wantCode(t, err, errs.Conflict, "account.admin.last")
		// With a second one, either may go.
		if err := s.GrantRole(ctx, st.ID, Admin, "country", root.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeRole(ctx, root.ID, Admin, "country"); err != nil {
			t.Fatal(err)
		}
		// A disabled administrator does not count as the other one.
		if err := s.GrantRole(ctx, root.ID, Admin, "country", st.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, root.ID, UserUpdate{Disabled: ptr(true)}, st.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.RevokeRole(ctx, st.ID, Admin, "country"), errs.Conflict, "account.admin.last")
		// The disabled one's grant can go.
		if err := s.RevokeRole(ctx, root.ID, Admin, "country"); err != nil {
			t.Fatal(err)
		}
	})
}
