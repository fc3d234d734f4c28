//go:build !linux

package main

import (
	"syscall"
	"time"
)

// sysProcAttr is nothing special outside Linux.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// processCPU is unknown outside Linux.
func processCPU(int) (time.Duration, bool) { return 0, false }

// selfCPU is unknown outside Linux.
func selfCPU() (time.Duration, bool) { return 0, false }

// machineBusy is unknown outside Linux.
func machineBusy() (time.Duration, bool) { return 0, false }
