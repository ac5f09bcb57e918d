// Package account owns people's sign-in: users, their secrets (argon2id passwords
// and PINs with a lock-out), printable login cards, role grants on places, and
// the server-side session store behind scs. It stores grants as (user, role,
// place) and knows nothing of the place tree: the web layer combines Grants with
// the place package's ancestors and subtrees to decide what a person may reach.
package account
