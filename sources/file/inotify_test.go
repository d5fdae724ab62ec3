package file

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInotifyExhaustedFallsBackToPolling runs the follower where no inotify
// instance can be had, for real: the test re-runs itself in a new user
// namespace whose inotify instance limit (/proc/sys/user/
// max_inotify_instances, which is per user namespace) is set to 0, so the
// exhaustion touches nothing else on the machine. There the follower must
// say it is polling and still deliver appended lines, rotation included.
func TestInotifyExhaustedFallsBackToPolling(t *testing.T) {
	if os.Getenv("VIGIL_INOTIFY_CHILD") == "1" {
		inotifyChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInotifyExhaustedFallsBackToPolling$", "-test.v")
	cmd.Env = append(os.Environ(), "VIGIL_INOTIFY_CHILD=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child in a new user namespace failed (user namespaces must be enabled: sysctl kernel.unprivileged_userns_clone / user.max_user_namespaces): %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestInotifyExhaustedFallsBackToPolling") {
		t.Fatalf("child did not pass:\n%s", out)
	}
}

func inotifyChild(t *testing.T) {
	if err := os.WriteFile("/proc/sys/user/max_inotify_instances", []byte("0"), 0); err != nil {
		t.Fatalf("setting the inotify instance limit to 0: %v", err)
	}
	// Prove the limit bites before relying on it.
	if fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC); err == nil {
		syscall.Close(fd)
		t.Fatal("inotify_init1 still works with max_inotify_instances=0")
	}
	p := tempPath(t, "app.log")
	writeFile(t, p, "one\n")
	src, err := Open(p, Options{Follow: true, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s, stop := start(t, src)
	eventually(t, "the backlog", func() bool { return joined(s.lines()) == "one" })
	eventually(t, "a polling notice", func() bool {
		for _, n := range s.notices() {
			if strings.Contains(n, "polling") {
				return true
			}
		}
		return false
	})
	appendFile(t, p, "two\n")
	eventually(t, "an appended line by polling", func() bool { return joined(s.lines()) == "one|two" })
	if err := os.Rename(p, p+".1"); err != nil {
		t.Fatal(err)
	}
	appendFile(t, p+".1", "three\n") // a late write to the rotated file
	writeFile(t, p, "four\n")
	eventually(t, "lines across a rename by polling", func() bool { return joined(s.lines()) == "one|two|three|four" })
	if err := stop(); err != nil {
		t.Errorf("Run: %v", err)
	}
}
