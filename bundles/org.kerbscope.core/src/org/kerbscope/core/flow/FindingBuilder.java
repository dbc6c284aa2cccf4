package org.kerbscope.core.flow;

import java.util.ArrayList;
import java.util.List;

import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;

/** Assembles a {@link Finding} step by step, so that checks read like the explanation they give. */
public final class FindingBuilder {
    private final String id;
    private Severity severity = Severity.ERROR;
    private Step step;
    private int attempt = -1;
    private String title = "";
    private String explanation = "";
    private final List<Finding.Evidence> evidence = new ArrayList<>();
    private final List<String> remediation = new ArrayList<>();

    public FindingBuilder(String id) {
        this.id = id;
    }

    public FindingBuilder severity(Severity s) {
        this.severity = s;
        return this;
    }

    public FindingBuilder step(Step s) {
        this.step = s;
        return this;
    }

    public FindingBuilder attempt(int index) {
        this.attempt = index;
        return this;
    }

    public FindingBuilder title(String t) {
        this.title = t;
        return this;
    }

    public FindingBuilder explanation(String e) {
        this.explanation = e;
        return this;
    }

    public FindingBuilder frame(long frame, String what) {
        evidence.add(Finding.Evidence.frame(frame, what));
        return this;
    }

    public FindingBuilder file(String file, String what) {
        evidence.add(Finding.Evidence.file(file, what));
        return this;
    }

    public FindingBuilder fix(String... commands) {
        remediation.addAll(List.of(commands));
        return this;
    }

    /** The title given so far. */
    public String title() {
        return title;
    }

    public int attemptIndex() {
        return attempt;
    }

    public boolean hasEvidence() {
        return !evidence.isEmpty();
    }

    public Finding build() {
        return new Finding(id, severity, step, attempt, title, explanation, evidence, remediation);
    }
}
