package suite

import (
	"os/exec"
	"syscall"
)

// dieWithParent asks Linux to send the child SIGTERM if the benchmark process dies
// first, so that no server is left running after a killed run.
func dieWithParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
}
