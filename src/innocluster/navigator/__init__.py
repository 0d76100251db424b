"""C4: the support navigator: a catalogue of support measures, eligibility rules as data,
evaluation of a business's profile against them, and subscriptions to what changes."""
