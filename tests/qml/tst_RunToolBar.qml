import QtQuick
import QtTest
import Goflow.Studio

StudioTestCase {
    name: "RunToolBar"

    Component {
        id: barComponent
        RunToolBar {
            width: 900
        }
    }
    Component {
        id: spyComponent
        SignalSpy {}
    }

    function createBar(properties) {
        const bar = createShown(barComponent, properties ?? {});
        verify(bar);
        return bar;
    }

    function spyOn(bar, signalName) {
        return createTemporaryObject(spyComponent, this, { target: bar, signalName: signalName });
    }

    function test_idleEnablesRunOnly() {
        const bar = createBar({ runState: StudioController.Idle });
        verify(findByText(bar, "Run").enabled);
        verify(!findByText(bar, "Pause").enabled);
        verify(!findByText(bar, "Stop").enabled);
    }

    function test_runClickRequestsRun() {
        const bar = createBar({ runState: StudioController.Idle });
        const runSpy = spyOn(bar, "runRequested");
        mouseClick(findByText(bar, "Run"));
        compare(runSpy.count, 1);
    }

    function test_runDisabledWithoutScenario() {
        const bar = createBar({ runState: StudioController.Idle, canRun: false });
        const runSpy = spyOn(bar, "runRequested");
        const run = findByText(bar, "Run");
        verify(!run.enabled);
        mouseClick(run);
        compare(runSpy.count, 0);
    }

    function test_runningEnablesPauseAndStop() {
        const bar = createBar({ runState: StudioController.Running });
        const pauseSpy = spyOn(bar, "pauseRequested");
        const stopSpy = spyOn(bar, "stopRequested");
        verify(!findByText(bar, "Run").enabled);
        const pause = findByText(bar, "Pause");
        const stop = findByText(bar, "Stop");
        verify(pause.enabled);
        verify(stop.enabled);
        mouseClick(pause);
        compare(pauseSpy.count, 1);
        mouseClick(stop);
        compare(stopSpy.count, 1);
    }

    function test_pausedOffersResumeAndStep() {
        const bar = createBar({ runState: StudioController.Paused });
        const resumeSpy = spyOn(bar, "resumeRequested");
        const stepSpy = spyOn(bar, "stepRequested");
        verify(!findByText(bar, "Run").enabled, "Run restarts nothing while paused");
        verify(findByText(bar, "Pause") === null, "the pause button still says Pause");
        const resume = findByText(bar, "Resume");
        verify(resume.enabled);
        verify(findByText(bar, "Stop").enabled);
        mouseClick(resume);
        compare(resumeSpy.count, 1);
        const step = findByText(bar, "Step");
        verify(step.enabled);
        mouseClick(step);
        compare(stepSpy.count, 1);
    }

    function test_simulateRequestsSimulate() {
        const bar = createBar({ runState: StudioController.Idle });
        const simulateSpy = spyOn(bar, "simulateRequested");
        const simulate = findByText(bar, "Simulate");
        verify(simulate.enabled);
        mouseClick(simulate);
        compare(simulateSpy.count, 1);
    }

    function test_finishedAllowsRerun() {
        const bar = createBar({ runState: StudioController.Finished });
        verify(findByText(bar, "Run").enabled);
        verify(!findByText(bar, "Stop").enabled);
    }

    function test_progressText() {
        const bar = createBar({ elapsedSeconds: 3.2, durationSeconds: 10 });
        verify(findByText(bar, "3.2 s of 10.0 s") !== null, "progress text not shown");
        // Past the load's end the run drains, and the text says so.
        bar.elapsedSeconds = 12.5;
        verify(findByText(bar, "12.5 s: 10.0 s of load, then draining") !== null,
               "draining time not shown");
    }

    function test_speedBoxShowsInitialSpeed() {
        const bar = createBar({ speedSteps: [0.5, 1, 10, 0], speed: 1 });
        const box = findChild(bar, "speedBox");
        verify(box);
        compare(box.currentValue, 1);
        compare(box.displayText, "1×");
    }

    function test_speedBoxRequestsSpeed() {
        const bar = createBar({ speedSteps: [0.5, 1, 10, 0], speed: 1 });
        const speedSpy = spyOn(bar, "speedRequested");
        const box = findChild(bar, "speedBox");
        verify(box);
        bar.speed = 10;
        compare(box.currentValue, 10);
        compare(speedSpy.count, 0);

        box.forceActiveFocus();
        keyClick(Qt.Key_Down);
        compare(speedSpy.count, 1);
        compare(speedSpy.signalArguments[0][0], 0);
        compare(box.displayText, "As fast as possible");

        bar.speed = 0.5;
        compare(box.currentValue, 0.5);
        compare(speedSpy.count, 1);
    }
}
