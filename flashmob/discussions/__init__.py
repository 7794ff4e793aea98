"""What members write and talk about: takeaway write-ups, the lessons archive, and discussions."""
