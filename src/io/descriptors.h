// Descriptors a process inherited: a program that starts children calls this first, so that each
// child gets the descriptors it is given and nothing its parent happened to leave open.
#pragma once

namespace s2j {

// Marks every open descriptor above 2 close-on-exec. Returns 0 or an errno value.
int close_inherited_descriptors_on_exec();

}  // namespace s2j
