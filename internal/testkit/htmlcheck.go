package testkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// VNUJarEnv names the environment variable that points at vnu.jar, the Nu Html
// Checker. Without it the harness uses node_modules/vnu-jar/build/dist/vnu.jar
// under the repository root (npm package vnu-jar, pinned in package.json;
// install with `npm ci --ignore-scripts`). It runs on the installed Java (17+).
const VNUJarEnv = "ONRAMP_VNU_JAR"

// HTMLError is one error the HTML checker found.
type HTMLError struct {
	Doc     string // the key of the document in the map given to ValidateHTML
	Line    int    // 1-based; 0 when the checker gave none
	Column  int
	Message string
	Extract string // the source around the error, as the checker quotes it
}

func (e HTMLError) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Doc, e.Line, e.Column, e.Message)
}

// FindVNU returns the java executable and the path of vnu.jar. The error is an
// *UnavailableError when either is missing.
func FindVNU() (java, jar string, err error) {
	java, err = exec.LookPath("java")
	if err != nil {
		return "", "", &UnavailableError{Tool: "java", Reason: "no java on PATH (install with: apt-get install -y default-jre-headless)"}
	}
	if jar = os.Getenv(VNUJarEnv); jar != "" {
		if _, err := os.Stat(jar); err != nil {
			return "", "", &UnavailableError{Tool: "vnu.jar", Reason: fmt.Sprintf("$%s=%s: %v", VNUJarEnv, jar, err)}
		}
		return java, jar, nil
	}
	root, err := vnuRepoRoot()
	if err != nil {
		return "", "", &UnavailableError{Tool: "vnu.jar", Reason: err.Error()}
	}
	jar = filepath.Join(root, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(jar); err != nil {
		return "", "", &UnavailableError{Tool: "vnu.jar", Reason: fmt.Sprintf("%s missing (run `npm ci --ignore-scripts` at the repository root, or set $%s)", jar, VNUJarEnv)}
	}
	return java, jar, nil
}

// vnuRepoRoot walks up from the working directory to the directory holding go.mod.
func vnuRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// vnuMessage is one entry of `vnu --format json`.
type vnuMessage struct {
	Type         string `json:"type"` // error, non-document-error, info
	SubType      string `json:"subType"`
	URL          string `json:"url"`
	FirstLine    int    `json:"firstLine"`
	LastLine     int    `json:"lastLine"`
	FirstColumn  int    `json:"firstColumn"`
	LastColumn   int    `json:"lastColumn"`
	Message      string `json:"message"`
	Extract      string `json:"extract"`
	HiliteStart  int    `json:"hiliteStart"`
	HiliteLength int    `json:"hiliteLength"`
}

// ValidateHTML checks every document with the Nu Html Checker in one run of
// the JVM (start-up is the slow part, so give it all documents at once) and
// returns the errors (warnings and info messages are left out), sorted by
// document and line. The keys of docs only name the documents in the result;
// any string will do (a URL path, a template name).
func ValidateHTML(docs map[string][]byte) ([]HTMLError, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	java, jar, err := FindVNU()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "onramp-vnu-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	names := make([]string, 0, len(docs))
	for name := range docs {
		names = append(names, name)
	}
	sort.Strings(names)
	byFile := make(map[string]string, len(docs)) // file name -> doc name
	args := []string{"-Xss8m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar,
		"--format", "json", "--errors-only", "--exit-zero-always", "--stdout", "--asciiquotes", "--no-langdetect", "--html"}
	for i, name := range names {
		file := fmt.Sprintf("doc-%04d.html", i)
		path := filepath.Join(dir, file)
		if err := os.WriteFile(path, docs[name], 0o600); err != nil {
			return nil, err
		}
		byFile[file] = name
		args = append(args, path)
	}

	cmd := exec.Command(java, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("vnu: %v\n%s", err, stderr.String())
	}
	var out struct {
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("vnu: reading its JSON output: %v\nstdout: %.2000s\nstderr: %.2000s", err, stdout.String(), stderr.String())
	}
	var errs []HTMLError
	for _, m := range out.Messages {
		if m.Type == "info" {
			continue
		}
		doc := "?"
		if u, err := url.Parse(m.URL); err == nil && m.URL != "" {
			if name, ok := byFile[filepath.Base(u.Path)]; ok {
				doc = name
			}
		}
		line, col := m.FirstLine, m.FirstColumn
		if line == 0 {
			line = m.LastLine
		}
		msg := m.Message
		if m.Type != "error" {
			msg = m.Type + ": " + msg
		}
		errs = append(errs, HTMLError{Doc: doc, Line: line, Column: col, Message: msg, Extract: m.Extract})
	}
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Doc != errs[j].Doc {
			return errs[i].Doc < errs[j].Doc
		}
		return errs[i].Line < errs[j].Line
	})
	return errs, nil
}

// CheckHTML validates the documents (see ValidateHTML) and fails the test with
// one "doc:line:col: message" line per error. Without Java or vnu.jar it calls
// SkipOrFail.
func CheckHTML(t testing.TB, docs map[string][]byte) {
	t.Helper()
	errs, err := ValidateHTML(docs)
	if err != nil {
		skipIfUnavailable(t, err)
		t.Fatalf("CheckHTML: %v", err)
	}
	if len(errs) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "HTML checker: %d error(s) in %d document(s):", len(errs), len(docs))
	for _, e := range errs {
		b.WriteString("\n\t")
		b.WriteString(e.String())
		if e.Extract != "" {
			fmt.Fprintf(&b, "  [%s]", strings.ReplaceAll(e.Extract, "\n", `\n`))
		}
	}
	t.Error(b.String())
}
